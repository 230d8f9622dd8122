import { afterEach, describe, expect, it } from "vitest";
import { deadlineTitle } from "./deadlines";
import { dictionaries, setLanguage } from "./i18n.svelte";

describe("deadline titles", () => {
  afterEach(() => setLanguage("en"));

  it("names every deadline the engine makes in every language", () => {
    const keys = [
      "final_pay", "daejigeup_insolvency", "daejigeup_judgment", "daejigeup_moel",
      "consular_notification", "hearing", "removal_order", "kin_update",
      "death:death_certificate", "death:release_of_body", "death:embalming_certificate",
      "death:transport_certificate", "death:consular_certificate", "death:costs",
    ];
    for (const lang of ["kk", "ru", "en", "ko"] as const) {
      setLanguage(lang);
      for (const key of keys) expect(deadlineTitle(key, "FALLBACK"), `${lang} ${key}`).not.toBe("FALLBACK");
    }
    setLanguage("ko");
    expect(deadlineTitle("prescription:2025-09-10", "x")).toContain("2025");
    expect(deadlineTitle("final_pay", "x")).toBe(dictionaries.ko["deadline.final_pay"]);
    expect(deadlineTitle("something_new", "As the core says")).toBe("As the core says");
  });
});
