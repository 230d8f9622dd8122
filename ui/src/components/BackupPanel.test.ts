// Backups on the settings screen and the dashboard's reminder: a check sends the typed
// passphrase and shows what the backup holds, a damaged file says so in the interface
// language, and the reminder leads to the backup section.
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";

const calls: { cmd: string; args: Record<string, unknown> }[] = [];
let verifyAnswer: () => unknown = () => null;
let lastBackupAt: string | null = null;

const info = {
  created_at: "2026-11-20T09:00:00+00:00", sha256: "ab".repeat(32), size: 12_345_678, files: 3,
  workers: 412, cases: 57, attachments: 9, audit_entries: 1300, schema_version: 12, state_hash: "x",
};

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(async (cmd: string, args: Record<string, unknown>) => {
    calls.push({ cmd, args });
    switch (cmd) {
      case "backup_status":
        return { last_backup_at: lastBackupAt, days_since: lastBackupAt ? 12 : null, reminder_days: 7, due: true };
      case "verify_backup":
        return verifyAnswer();
      case "dashboard":
        return { open_cases: [], open_case_total: 0, overdue_tasks: [], overdue_task_total: 0, due_this_week: [], due_this_week_total: 0, my_cases: [], recent_activity: [] };
      default:
        throw new Error(`unexpected ${cmd}`);
    }
  }),
}));

import BackupPanel from "./BackupPanel.svelte";
import Dashboard from "../screens/Dashboard.svelte";
import { dictionaries, setLanguage } from "../lib/i18n.svelte";
import { router } from "../lib/router.svelte";

afterEach(() => {
  cleanup();
  calls.length = 0;
  lastBackupAt = null;
  setLanguage("en");
});

describe("BackupPanel", () => {
  it("verifies a backup with the passphrase typed and shows what it holds", async () => {
    setLanguage("kk");
    verifyAnswer = () => info;
    render(BackupPanel, {});
    await waitFor(() => expect(document.querySelector("#backup-last")?.textContent).toContain(dictionaries.kk["backup.never"]));
    await fireEvent.input(document.querySelector("#backup-passphrase")!, { target: { value: "тау бұлақ" } });
    await fireEvent.click(screen.getByText(dictionaries.kk["backup.verify"]));
    await waitFor(() => expect(document.querySelector("#backup-verified")).not.toBeNull());
    expect(calls.find((c) => c.cmd === "verify_backup")!.args).toEqual({ passphrase: "тау бұлақ" });
    expect(document.querySelector("[data-workers]")!.textContent).toBe("412");
    expect(document.body.textContent).toContain(dictionaries.kk["backup.verified"]);
    expect((document.querySelector("#backup-passphrase") as HTMLInputElement).value).toBe("");
    expect(document.body.textContent).not.toMatch(/backup\.\w+/);
  });

  it("says a damaged file is damaged, not that fields need correcting", async () => {
    setLanguage("ru");
    verifyAnswer = () => {
      throw { code: "invalid", message: "backup x is damaged or incomplete", issues: [] };
    };
    render(BackupPanel, {});
    await fireEvent.input(document.querySelector("#backup-passphrase")!, { target: { value: "p" } });
    await fireEvent.click(screen.getByText(dictionaries.ru["backup.verify"]));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toBe(dictionaries.ru["backup.damaged"]));
  });
});

describe("the dashboard's backup reminder", () => {
  it("says how old the last backup is and leads to the backup section", async () => {
    lastBackupAt = "2026-11-20T09:00:00+00:00";
    render(Dashboard, {});
    const banner = await waitFor(() => {
      const el = document.querySelector("#backup-reminder");
      expect(el).not.toBeNull();
      return el!;
    });
    expect(banner.getAttribute("role")).toBe("status");
    expect(banner.textContent).toContain("Last backup 12 days ago.");
    await fireEvent.click(screen.getByText(dictionaries.en["backup.go"]));
    expect(router.route).toEqual({ name: "settings", section: "backup" });
  });
});
