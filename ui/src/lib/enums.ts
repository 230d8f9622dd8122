// The values of the domain's enums, in the order the forms offer them. Typed against the
// generated bindings, so a renamed variant fails the type check.
import type { AgencyKind } from "./bindings/AgencyKind";
import type { CaseStatus } from "./bindings/CaseStatus";
import type { CaseType } from "./bindings/CaseType";
import type { Priority } from "./bindings/Priority";
import type { Province } from "./bindings/Province";
import type { Sex } from "./bindings/Sex";
import type { StayStatus } from "./bindings/StayStatus";
import type { TimelineKind } from "./bindings/TimelineKind";

export const CASE_TYPES: readonly CaseType[] = [
  "unpaid_wages", "workplace_injury", "occupational_disease", "death_repatriation",
  "detention_deportation", "crime_victim", "discrimination_abuse", "medical_emergency",
  "lost_documents", "trafficking_forced_labour", "other",
];
export const CASE_STATUSES: readonly CaseStatus[] = [
  "new", "in_progress", "waiting_on_agency", "resolved", "closed",
];
export const PRIORITIES: readonly Priority[] = ["low", "normal", "high", "urgent"];
/** The kinds a caseworker adds by hand; the others are written by the app itself. */
export const NOTE_KINDS: readonly TimelineKind[] = [
  "note", "call", "visit", "agency_reply", "document_received",
];
export const PROVINCES: readonly Province[] = [
  "seoul", "busan", "daegu", "incheon", "gwangju", "daejeon", "ulsan", "sejong", "gyeonggi",
  "gangwon", "chungbuk", "chungnam", "jeonbuk", "jeonnam", "gyeongbuk", "gyeongnam", "jeju",
];
export const STAY_STATUSES: readonly StayStatus[] = [
  "E-9", "H-2", "F-4", "F-5", "F-6", "D-2", "C-3", "B-1", "G-1", "undocumented", "unknown",
];
export const SEXES: readonly Sex[] = ["male", "female"];
export const AGENCY_KINDS: readonly AgencyKind[] = [
  "labour_office", "workers_compensation", "immigration", "police", "hospital",
  "support_centre", "human_rights", "legal_aid", "foreign_ministry", "employer", "insurer",
  "other",
];
