// Backups in the interface language: the dashboard's reminder line and the facts a backup
// holds. Whether the reminder is due is decided on the Rust side (`backup_status`), from the
// setting and the audit log's last backup.
import type { BackupStatus } from "./bindings/BackupStatus";
import type { CoreError } from "./bindings/CoreError";
import { errorLine } from "./errors";
import { i18n, LOCALE_TAGS, type Lang, t } from "./i18n.svelte";

/** The dashboard's reminder, or null when no reminder is due. */
export function reminderLine(status: BackupStatus | null): string | null {
  if (!status?.due) return null;
  if (status.days_since == null) return t("backup.reminder_none");
  if (status.days_since === 1) return t("backup.reminder_one_day");
  return t("backup.reminder_days", { days: status.days_since });
}

/** An RFC 3339 time (`2026-12-04T21:03:36+00:00`) as a local date and time. */
export function formatDateTime(iso: string, lang: Lang = i18n.lang): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALE_TAGS[lang], { dateStyle: "long", timeStyle: "short" }).format(date);
}

/** A file size in megabytes, as the language writes the unit. */
export function formatMegabytes(bytes: number, lang: Lang = i18n.lang): string {
  return new Intl.NumberFormat(LOCALE_TAGS[lang], {
    style: "unit",
    unit: "megabyte",
    maximumFractionDigits: 1,
  }).format(bytes / 1_000_000);
}

/** What went wrong with a backup, said for backups: a damaged file is `invalid` without
 * field issues, which would otherwise read as "correct the marked fields". */
export function backupErrorLine(error: CoreError): string {
  if (error.code === "already_exists") return t("backup.exists");
  if (error.code === "invalid" && (error.issues ?? []).length === 0) return t("backup.damaged");
  return errorLine(error);
}
