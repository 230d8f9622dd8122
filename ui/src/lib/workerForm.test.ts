import { describe, expect, it } from "vitest";
import { emptyForm, formFromWorker, workerJson, workerPatch } from "./workerForm";

describe("worker form", () => {
  it("leaves unset fields out of a new worker and trims the rest", () => {
    const form = emptyForm();
    form.surname = "  Ахметов ";
    form.iin = "900101300123";
    form.phones = "010-1234-5678\n\n +7 701 123 4567 ";
    form.employer.name = "대한정밀";
    expect(workerJson(form)).toEqual({
      surname: "Ахметов",
      iin: "900101300123",
      phones: ["010-1234-5678", "+7 701 123 4567"],
      employer: { name: "대한정밀" },
    });
  });

  it("patches only what changed; a cleared field is null", () => {
    const original = formFromWorker({
      surname: "Ахметов", given_name: "Нұрлан", iin: "900101300123", phones: ["+821012345678"],
      employer: { name: "A", name_en: null, address: null, phone: null, business_reg_no: null, contact_person: null },
    });
    const edited = formFromWorker({
      surname: "Ахметов", given_name: "", iin: "900101300123", phones: ["+821012345678", "+77011234567"],
      employer: { name: "B", name_en: null, address: null, phone: null, business_reg_no: null, contact_person: null },
    });
    // The form shows numbers as people write them; the core stores them as E.164 again.
    expect(original.phones).toBe("010-1234-5678");
    expect(workerPatch(original, edited)).toEqual({
      given_name: null,
      phones: ["010-1234-5678", "+7 701 123 45 67"],
      employer: { name: "B" },
    });
    expect(workerPatch(original, original)).toEqual({});
  });

  it("clears a whole nested object when all its fields are emptied", () => {
    const original = formFromWorker({ next_of_kin: { name: "Айгүл", relation: "spouse", phone: null, address: null } });
    const edited = formFromWorker({});
    expect(workerPatch(original, edited)).toEqual({ next_of_kin: null });
  });
});
