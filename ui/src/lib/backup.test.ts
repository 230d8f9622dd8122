import { afterEach, describe, expect, it } from "vitest";
import { backupErrorLine, formatDateTime, formatMegabytes, reminderLine } from "./backup";
import type { BackupStatus } from "./bindings/BackupStatus";
import { dictionaries, setLanguage } from "./i18n.svelte";

const status = (days_since: number | null, due: boolean): BackupStatus => ({
  last_backup_at: days_since == null ? null : "2026-11-20T09:00:00+00:00",
  days_since,
  reminder_days: 7,
  due,
});

describe("backup reminder", () => {
  afterEach(() => setLanguage("en"));

  it("says nothing while the last backup is recent", () => {
    expect(reminderLine(null)).toBeNull();
    expect(reminderLine(status(2, false))).toBeNull();
  });

  it("says there is no backup, or how old the last one is, in every language", () => {
    setLanguage("en");
    expect(reminderLine(status(null, true))).toBe("No backup yet.");
    expect(reminderLine(status(12, true))).toBe("Last backup 12 days ago.");
    expect(reminderLine(status(1, true))).toBe("Last backup 1 day ago.");
    for (const lang of ["kk", "ru", "ko"] as const) {
      setLanguage(lang);
      const line = reminderLine(status(12, true))!;
      expect(line, lang).toContain("12");
      expect(line, lang).not.toContain("{days}");
      expect(reminderLine(status(null, true)), lang).toBe(dictionaries[lang]["backup.reminder_none"]);
    }
    setLanguage("ru");
    expect(reminderLine(status(12, true))).toBe("Последняя резервная копия создана 12 дн. назад.");
  });

  it("formats a backup's time and size for the language", () => {
    expect(formatDateTime("2026-11-20T09:00:00+00:00", "ko")).toContain("2026");
    expect(formatDateTime("not a time", "en")).toBe("not a time");
    expect(formatMegabytes(12_345_678, "en")).toBe("12.3 MB");
    expect(formatMegabytes(12_345_678, "ru")).toMatch(/^12,3\sМБ$/);
  });

  it("names a damaged file and an existing file as backup errors", () => {
    setLanguage("en");
    const err = (code: "invalid" | "already_exists" | "wrong_passphrase") =>
      ({ code, message: "x", issues: [], existing_id: null });
    expect(backupErrorLine(err("invalid"))).toBe(dictionaries.en["backup.damaged"]);
    expect(backupErrorLine(err("already_exists"))).toBe(dictionaries.en["backup.exists"]);
    expect(backupErrorLine(err("wrong_passphrase"))).toBe(dictionaries.en["error.wrong_passphrase"]);
  });
});
