import { describe, expect, it } from "vitest";
import { formatDate, formatHlc, formatKrw, i18n, label, setLanguage, t } from "./i18n.svelte";

describe("formatting per locale", () => {
  it("writes dates as each language does, without a time-zone shift", () => {
    expect(formatDate("2026-11-21", "ko")).toBe("2026년 11월 21일");
    expect(formatDate("2026-11-21", "en")).toBe("21 November 2026");
    expect(formatDate("2026-11-21", "ru")).toMatch(/^21 ноября 2026/);
    expect(formatDate("2026-01-01", "ko")).toBe("2026년 1월 1일");
    expect(formatDate(null)).toBe("—");
  });

  it("writes won amounts with the language's grouping and no minor units", () => {
    expect(formatKrw(1500000, "ko")).toBe("₩1,500,000");
    expect(formatKrw(1500000, "en")).toBe("₩1,500,000");
    // Russian and Kazakh group with a (narrow) no-break space and put the sign after.
    expect(formatKrw(1500000, "ru").replace(/\s/g, " ")).toBe("1 500 000 ₩");
    expect(formatKrw(0, "ko")).toBe("₩0");
    expect(formatKrw(null)).toBe("—");
  });

  it("reads an HLC's wall clock", () => {
    const ms = Date.UTC(2026, 10, 21, 12, 0);
    expect(formatHlc(ms * 65536 + 3, "en")).toContain("2026");
  });
});

describe("t and label", () => {
  it("switches language and fills placeholders", () => {
    setLanguage("en");
    expect(t("workers.count", { count: 3 })).toBe("3 shown");
    setLanguage("ko");
    expect(i18n.lang).toBe("ko");
    expect(label("case_status", "new")).not.toBe("New");
    setLanguage("xx");
    expect(i18n.lang).toBe("ko");
    setLanguage("en");
  });

  it("shows a raw value it has no label for, and a dash for none", () => {
    expect(label("province", "atlantis")).toBe("atlantis");
    expect(label("province", null)).toBe("—");
  });
});
