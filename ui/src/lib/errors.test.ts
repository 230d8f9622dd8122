import { describe, expect, it } from "vitest";
import type { CoreError } from "./bindings/CoreError";
import { errorDetail, errorLine, fieldErrors, fieldName } from "./errors";
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

  it("says a translated error without the core's English detail, which stays for a tooltip", () => {
    setLanguage("en");
    expect(errorLine({ code: "wrong_passphrase", message: "wrong passphrase", issues: [], existing_id: null })).toBe("Wrong passphrase");
    const notFound: CoreError = { code: "not_found", message: "case 42", issues: [], existing_id: null };
    expect(errorLine(notFound)).toBe("Not found");
    expect(errorDetail(notFound)).toBe("case 42");
    setLanguage("ru");
    const refused: CoreError = { code: "sync", message: "server refused: device revoked", issues: [], existing_id: null };
    expect(errorLine(refused)).toBe("Ошибка синхронизации");
    expect(errorLine(refused)).not.toContain("refused");
    setLanguage("kk");
    expect(errorLine(notFound)).not.toContain("case 42");
    setLanguage("en");
  });

  it("keeps the core's message for a code no language has a text for", () => {
    setLanguage("ko");
    // A newer core may send a code this UI does not know yet.
    const unknown = { code: "quota", message: "disk quota exceeded", issues: [], existing_id: null } as unknown as CoreError;
    expect(errorLine(unknown)).toBe("disk quota exceeded");
    expect(errorDetail(unknown)).toBe("");
    setLanguage("en");
  });

  it("names letter data and mission fields by their labels, not their keys", () => {
    setLanguage("en");
    const refused: CoreError = {
      code: "invalid",
      message: "…",
      existing_id: null,
      issues: [
        { field: "mission.consul_name_ko", code: "required", severity: "error", message: "required by template wage_arrears, but empty" },
        { field: "worker.birth_date_ko", code: "required", severity: "error", message: "required by template wage_arrears, but empty" },
      ],
    };
    expect(errorLine(refused)).toBe(
      "Please correct the marked fields: Mission profile: Consul's name in Korean — required; Worker: Date of birth — required",
    );
    expect(fieldName("registry_pattern")).toBe("Number pattern");
    expect(fieldName("worker")).toBe("Worker");
    expect(fieldName("phones[2]")).toBe("Phones");
    setLanguage("ru");
    expect(errorLine(refused)).not.toMatch(/mission\.|worker\.|_ko/);
    setLanguage("en");
  });

  it("turns anything thrown into a CoreError", () => {
    expect(asCoreError("boom")).toEqual({ code: "storage", message: "boom", issues: [], existing_id: null });
    expect(asCoreError({ code: "locked", message: "m" }).issues).toEqual([]);
  });
});
