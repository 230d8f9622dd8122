// The values of the domain's enums, in the order the forms offer them. Typed against the
// generated bindings, so a renamed variant fails the type check.
import type { AgencyKind } from "./bindings/AgencyKind";
import type { Priority } from "./bindings/Priority";
import type { Relation } from "./bindings/Relation";
import type { Sex } from "./bindings/Sex";
import type { TimelineKind } from "./bindings/TimelineKind";
// Lists the Rust side defines (its ALL constants), generated with the bindings.
export { CASE_STATUSES, CASE_TYPES, PROVINCES, STAY_STATUSES } from "./bindings/constants";

export const PRIORITIES: readonly Priority[] = ["low", "normal", "high", "urgent"];
/** The kinds a caseworker adds by hand; the others are written by the app itself. */
export const NOTE_KINDS: readonly TimelineKind[] = [
  "note", "call", "visit", "agency_reply", "document_received",
];
export const SEXES: readonly Sex[] = ["male", "female"];
export const AGENCY_KINDS: readonly AgencyKind[] = [
  "labour_office", "workers_compensation", "immigration", "police", "hospital",
  "support_centre", "human_rights", "legal_aid", "foreign_ministry", "employer", "insurer",
  "other",
];
export const RELATIONS: readonly Relation[] = [
  "spouse", "mother", "father", "son", "daughter", "brother", "sister", "other",
];
