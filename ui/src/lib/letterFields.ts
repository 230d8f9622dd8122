// The data a letter template can report missing (`letter_missing_fields`) is named by the
// template vocabulary (`mission.consul_name_ko`, `worker.birth_date_en`: CONTEXT_KEYS and
// COMPUTED_KEYS of qorgau-letters). The letter screen shows each as the label of the form
// field where the caseworker fills it in, grouped by where that field lives.
import { t } from "./i18n.svelte";

/** Where a missing value is filled in: the locale key of the group's name. */
export type LetterFieldSection = "mission" | "agency" | "worker" | "case" | "letter";

/** Template field name → its section and the locale key of its label. The Korean and
 * English forms of one value (`worker.birth_date_ko`, `worker.birth_date_en`) share a label:
 * both come from the same field. */
export const LETTER_FIELDS: Record<string, { section: LetterFieldSection; label: string }> = {
  "mission.name_kk": { section: "mission", label: "mission.field.name_kk" },
  "mission.name_ko": { section: "mission", label: "mission.field.name_ko" },
  "mission.name_en": { section: "mission", label: "mission.field.name_en" },
  "mission.address_ko": { section: "mission", label: "mission.field.address_ko" },
  "mission.address_en": { section: "mission", label: "mission.field.address_en" },
  "mission.phone": { section: "mission", label: "mission.field.phone" },
  "mission.fax": { section: "mission", label: "mission.field.fax" },
  "mission.email": { section: "mission", label: "mission.field.email" },
  "mission.consul_name_ko": { section: "mission", label: "mission.field.consul_name_ko" },
  "mission.consul_name_en": { section: "mission", label: "mission.field.consul_name_en" },
  "mission.consul_title_ko": { section: "mission", label: "mission.field.consul_title_ko" },
  "mission.consul_title_en": { section: "mission", label: "mission.field.consul_title_en" },
  "mission.section_ko": { section: "mission", label: "mission.field.section_ko" },
  "agency.name_ko": { section: "agency", label: "letter.field.agency_name_ko" },
  "agency.name_en": { section: "agency", label: "letter.field.agency_name_en" },
  "agency.recipient_ko": { section: "agency", label: "letter.field.recipient_ko" },
  "agency.address_ko": { section: "agency", label: "letter.field.agency_address_ko" },
  "agency.address_en": { section: "agency", label: "letter.field.agency_address_en" },
  "worker.name_cyrillic": { section: "worker", label: "letter.field.name_cyrillic" },
  "worker.names_ko": { section: "worker", label: "letter.field.names" },
  "worker.names_en": { section: "worker", label: "letter.field.names" },
  "worker.latin_name": { section: "worker", label: "field.latin_name" },
  "worker.hangul_name": { section: "worker", label: "field.hangul_name" },
  "worker.birth_date_ko": { section: "worker", label: "field.birth_date" },
  "worker.birth_date_en": { section: "worker", label: "field.birth_date" },
  "worker.sex_ko": { section: "worker", label: "field.sex" },
  "worker.sex_en": { section: "worker", label: "field.sex" },
  "worker.passport_no": { section: "worker", label: "field.passport_no" },
  "worker.iin": { section: "worker", label: "field.iin" },
  "worker.arn": { section: "worker", label: "field.arn" },
  "worker.phone": { section: "worker", label: "field.phones" },
  "worker.address_kr": { section: "worker", label: "field.address_kr" },
  "worker.occupation": { section: "worker", label: "field.occupation" },
  "worker.stay_status": { section: "worker", label: "field.stay_status" },
  "worker.next_of_kin_name": { section: "worker", label: "field.next_of_kin.name" },
  "worker.next_of_kin_relation": { section: "worker", label: "letter.field.next_of_kin_relation" },
  "worker.next_of_kin_phone": { section: "worker", label: "field.next_of_kin.phone" },
  "employer.name": { section: "worker", label: "field.employer.name" },
  "employer.address": { section: "worker", label: "field.employer.address" },
  "employer.phone": { section: "worker", label: "field.employer.phone" },
  "employer.business_reg_no": { section: "worker", label: "field.employer.business_reg_no" },
  "employer.contact_person": { section: "worker", label: "letter.field.employer_contact_person" },
  "case.type_ko": { section: "case", label: "field.case_type" },
  "case.type_en": { section: "case", label: "field.case_type" },
  "case.occurred_on_ko": { section: "case", label: "field.occurred_on" },
  "case.occurred_on_en": { section: "case", label: "field.occurred_on" },
  "case.reported_on_ko": { section: "case", label: "field.reported_on" },
  "case.place": { section: "case", label: "field.place" },
  "case.summary": { section: "case", label: "field.summary" },
  "case.amount_claimed_krw": { section: "case", label: "field.amount_claimed_krw" },
  "case.amount_recovered_krw": { section: "case", label: "field.amount_recovered_krw" },
  "letter.number": { section: "letter", label: "letter.number" },
  "letter.date_ko": { section: "letter", label: "letter.date" },
  "letter.date_en": { section: "letter", label: "letter.date" },
  "letter.date_numeric": { section: "letter", label: "letter.date" },
  "letter.details_ko": { section: "letter", label: "letter.details_ko" },
  "letter.details_en": { section: "letter", label: "letter.details_en" },
  "letter.attachments_ko": { section: "letter", label: "letter.attachments_ko" },
  "letter.attachments_en": { section: "letter", label: "letter.attachments_en" },
  "mission.name_ru": { section: "mission", label: "mission.field.name_ru" },
  "mission.consul_name_kk": { section: "mission", label: "mission.field.consul_name_kk" },
  "mission.consul_name_ru": { section: "mission", label: "mission.field.consul_name_ru" },
  "mission.consul_title_kk": { section: "mission", label: "mission.field.consul_title_kk" },
  "mission.consul_title_ru": { section: "mission", label: "mission.field.consul_title_ru" },
  // How the letter names the mission itself (우리 대사관 / the Embassy): from its name.
  "mission.self_ko": { section: "mission", label: "mission.field.name_ko" },
  "mission.self_en": { section: "mission", label: "mission.field.name_en" },
  "mission.self_en_start": { section: "mission", label: "mission.field.name_en" },
  "worker.address_en": { section: "worker", label: "field.address_kr" },
  "worker.citizen_ru": { section: "worker", label: "letter.field.name_cyrillic" },
  "worker.stay_status_en": { section: "worker", label: "field.stay_status" },
  "worker.next_of_kin_relation_en": { section: "worker", label: "letter.field.next_of_kin_relation" },
  "employer.name_en": { section: "worker", label: "field.employer.name_en" },
  "employer.address_en": { section: "worker", label: "field.employer.address" },
  "case.place_en": { section: "case", label: "field.place" },
  "case.agency_ref": { section: "case", label: "letter.field.agency_ref" },
  "case.amount_claimed_ko": { section: "case", label: "field.amount_claimed_krw" },
  "case.amount_recovered_ko": { section: "case", label: "field.amount_recovered_krw" },
  // Whether the case is one of unpaid wages: from its type.
  "letter.wage_case": { section: "case", label: "field.case_type" },
  "letter.consent_enclosed": { section: "letter", label: "letter.without_consent" },
  "letter.exemption_notice": { section: "letter", label: "letter.exemption_notice" },
  "letter.officer_ko": { section: "letter", label: "letter.officer_ko" },
  "letter.officer_en": { section: "letter", label: "letter.officer_en" },
  "letter.officer_phone": { section: "letter", label: "letter.officer_phone" },
};

const SECTIONS: LetterFieldSection[] = ["mission", "agency", "worker", "case", "letter"];

/** One line of the missing-data list: a section and the labels of its missing fields. */
export type MissingGroup = { section: string; labels: string[]; unknown: string[] };

/** The missing fields as the caseworker reads them: one group per section, in a fixed
 * order, each label once. A name this table does not know (a newer core) is kept raw in
 * `unknown` so it is still shown, and the label test fails. */
export function missingGroups(fields: readonly string[]): MissingGroup[] {
  const groups = new Map<string, MissingGroup>();
  const group = (section: string) => {
    let g = groups.get(section);
    if (!g) {
      g = { section, labels: [], unknown: [] };
      groups.set(section, g);
    }
    return g;
  };
  for (const field of fields) {
    const known = LETTER_FIELDS[field];
    if (known) {
      const g = group(known.section);
      const text = t(known.label);
      if (!g.labels.includes(text)) g.labels.push(text);
    } else {
      group("other").unknown.push(field);
    }
  }
  const order = [...SECTIONS, "other"];
  return [...groups.values()]
    .sort((a, b) => order.indexOf(a.section) - order.indexOf(b.section))
    .map((g) => ({ ...g, section: g.section === "other" ? "" : t(`letter.section.${g.section}`) }));
}
