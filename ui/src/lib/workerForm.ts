// The worker form's values and their conversion to what the core takes: a new worker's JSON
// (unset fields left out) or an update's patch (only what changed; a cleared field is null).
import type { Worker } from "./bindings/Worker";
import { formatPhone } from "./phones";

export const TEXT_FIELDS = [
  "surname", "given_name", "patronymic", "latin_name", "hangul_name", "sex", "birth_date",
  "iin", "passport_no", "passport_expiry", "id_card_no", "arn", "stay_status", "entry_date",
  "address_kr", "province", "occupation", "notes",
] as const;
export const EMPLOYER_FIELDS = ["name", "name_en", "phone", "address", "business_reg_no", "contact_person"] as const;
export const KIN_FIELDS = ["name", "relation", "phone", "address"] as const;

export type WorkerForm = {
  [K in (typeof TEXT_FIELDS)[number]]: string;
} & {
  phones: string;
  employer: Record<(typeof EMPLOYER_FIELDS)[number], string>;
  next_of_kin: Record<(typeof KIN_FIELDS)[number], string>;
};

export function emptyForm(): WorkerForm {
  const form = Object.fromEntries(TEXT_FIELDS.map((f) => [f, ""])) as unknown as WorkerForm;
  form.phones = "";
  form.employer = Object.fromEntries(EMPLOYER_FIELDS.map((f) => [f, ""])) as WorkerForm["employer"];
  form.next_of_kin = Object.fromEntries(KIN_FIELDS.map((f) => [f, ""])) as WorkerForm["next_of_kin"];
  return form;
}

export function formFromWorker(w: Partial<Worker>): WorkerForm {
  const form = emptyForm();
  for (const f of TEXT_FIELDS) form[f] = (w[f] as string | null | undefined) ?? "";
  form.phones = (w.phones ?? []).map(formatPhone).join("\n");
  for (const f of EMPLOYER_FIELDS) form.employer[f] = w.employer?.[f] ?? "";
  for (const f of KIN_FIELDS) form.next_of_kin[f] = w.next_of_kin?.[f] ?? "";
  return form;
}

function phones(text: string): string[] {
  return text
    .split(/[\n,;]/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

function nested(values: Record<string, string>): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (v.trim() !== "") out[k] = v.trim();
  return Object.keys(out).length > 0 ? out : null;
}

/** A new worker's JSON: trimmed values, unset fields left out. */
export function workerJson(form: WorkerForm): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of TEXT_FIELDS) if (form[f].trim() !== "") out[f] = form[f].trim();
  const p = phones(form.phones);
  if (p.length > 0) out.phones = p;
  const employer = nested(form.employer);
  if (employer) out.employer = employer;
  const kin = nested(form.next_of_kin);
  if (kin) out.next_of_kin = kin;
  return out;
}

/** The fields that differ from `original`; a field emptied by the caseworker becomes null. */
export function workerPatch(original: WorkerForm, form: WorkerForm): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const f of TEXT_FIELDS) {
    if (form[f].trim() !== original[f].trim()) patch[f] = form[f].trim() === "" ? null : form[f].trim();
  }
  const p = phones(form.phones);
  if (p.join("\n") !== phones(original.phones).join("\n")) patch.phones = p;
  for (const key of ["employer", "next_of_kin"] as const) {
    const now = nested(form[key]);
    if (JSON.stringify(now) !== JSON.stringify(nested(original[key]))) patch[key] = now;
  }
  return patch;
}
