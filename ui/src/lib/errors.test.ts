import { describe, expect, it } from "vitest";
import { errorLine, fieldErrors } from "./errors";
import { setLanguage } from "./i18n.svelte";
import { asCoreError } from "./api";

describe("errors", () => {
  it("maps each issue to its field, translated, phones[i] to phones", () => {
    setLanguage("en");
    const errors = fieldErrors({
      code: "invalid",
      message: "…",
      existing_id: null,
      issues: [
        { field: "iin", code: "iin_check_digit", severity: "error", message: "x" },
        { field: "phones[1]", code: "phone_invalid", severity: "error", message: "y" },
        { field: "iin", code: "iin_birth_date_mismatch", severity: "error", message: "z" },
      ],
    });
    expect(errors.iin).toBe("IIN check digit is wrong: check for a typo; IIN does not match the date of birth");
    expect(errors.phones).toBe("not a valid phone number");
  });

  it("says a wrong passphrase without the core's English detail", () => {
    setLanguage("en");
    expect(errorLine({ code: "wrong_passphrase", message: "wrong passphrase", issues: [], existing_id: null })).toBe("Wrong passphrase");
    expect(errorLine({ code: "not_found", message: "case 42", issues: [], existing_id: null })).toBe("Not found (case 42)");
  });

  it("turns anything thrown into a CoreError", () => {
    expect(asCoreError("boom")).toEqual({ code: "storage", message: "boom", issues: [], existing_id: null });
    expect(asCoreError({ code: "locked", message: "m" }).issues).toEqual([]);
  });
});
