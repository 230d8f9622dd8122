// The values of the domain's enums, in the order the forms offer them: the lists the Rust
// side defines (its ALL constants), generated with the bindings, so neither side of the IPC
// writes them by hand.
export {
  AGENCY_KINDS,
  CASE_STATUSES,
  CASE_TYPES,
  NOTE_KINDS,
  PRIORITIES,
  PROVINCES,
  RELATIONS,
  SEXES,
  STAY_STATUSES,
} from "./bindings/constants";
