import { describe, expect, it } from "vitest";
import type { ConflictForReview } from "./bindings/ConflictForReview";
import { conflictRecord, conflictValue } from "./conflictView";
import { setLanguage } from "./i18n.svelte";

const base = {
  id: 1, entity: "worker", entity_id: "0", field: "stay_status", kept: "E-9", kept_device: "a",
  kept_hlc: 1, other: "undocumented", other_device: "b", other_hlc: 2, resolution: null,
} as unknown as ConflictForReview;

describe("conflict review", () => {
  it("names the record, not the entity", () => {
    setLanguage("en");
    expect(conflictRecord({ ...base, record_name: "Ахметов Нұрлан" })).toBe("Ахметов Нұрлан");
    expect(conflictRecord({ ...base, entity: "case", record_case: { worker_name: "Цой Ольга", case_type: "unpaid_wages" } }))
      .toBe("Цой Ольга · Unpaid wages");
    expect(conflictRecord(base)).not.toMatch(/^worker$/);
  });

  it("shows values as the rest of the app does", () => {
    setLanguage("en");
    expect(conflictValue("stay_status", "undocumented")).toBe("Undocumented");
    expect(conflictValue("birth_date", "1990-03-12")).toBe("12 March 1990");
    expect(conflictValue("phones", ["+821049521540"])).toBe("010-4952-1540");
    expect(conflictValue("amount_claimed_krw", 4800000)).toBe("₩4,800,000");
    expect(conflictValue("employer", { name: "대한정밀(주)", phone: "+82314001234" }))
      .toBe("Employer name: 대한정밀(주); Employer phone: 031-400-1234");
    expect(conflictValue("notes", null)).toBe("—");
    for (const v of ["E-9", ["+77011234567"], { name: "x" }, 12, true]) {
      expect(conflictValue("stay_status", v)).not.toMatch(/^[[{"]/);
    }
  });
});
