// A sync conflict as the rest of the app shows the same data: the record by its name, the
// field by its label, and both values formatted as on the worker and case pages (labels for
// enums, dates in the language's format, phones as people write them, won amounts).
import type { ConflictForReview } from "./bindings/ConflictForReview";
import { fieldName } from "./errors";
import { caseTitle, formatDate, formatKrw, label, t } from "./i18n.svelte";
import { formatPhone, formatPhones } from "./phones";

// Fields whose values are enum codes, and the label group that names them.
const ENUM_GROUPS: Record<string, string> = {
  stay_status: "stay",
  province: "province",
  sex: "sex",
  case_type: "case_type",
  status: "case_status",
  priority: "priority",
  kind: "agency_kind",
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The record a conflict concerns, by name; its kind when the name cannot be read. */
export function conflictRecord(c: ConflictForReview): string {
  if (c.record_name) return c.record_name;
  if (c.record_case) return caseTitle(c.record_case);
  return label("sync.entity", c.entity);
}

/** One side of a conflict, as the app shows that field elsewhere. */
export function conflictValue(field: string, value: unknown): string {
  const leaf = field.split(".").pop() ?? field;
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return t(value ? "common.yes" : "common.no");
  if (typeof value === "number") return leaf.endsWith("_krw") ? formatKrw(value) : String(value);
  if (typeof value === "string") {
    if (ENUM_GROUPS[leaf]) return label(ENUM_GROUPS[leaf], value);
    if (leaf === "phone") return formatPhone(value);
    if (ISO_DATE.test(value)) return formatDate(value);
    return value;
  }
  if (Array.isArray(value)) {
    if (leaf === "phones") return formatPhones(value as string[]);
    return value.length ? value.map((v) => conflictValue(field, v)).join(", ") : "—";
  }
  if (typeof value === "object") {
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined && v !== "")
      .map(([k, v]) => `${fieldName(`${field}.${k}`)}: ${conflictValue(`${field}.${k}`, v)}`);
    return parts.length ? parts.join("; ") : "—";
  }
  return String(value);
}
