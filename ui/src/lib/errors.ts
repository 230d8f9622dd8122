// Turning a CoreError into what a screen shows: a message per form field (from the domain's
// issue codes, translated) and one line for everything else.
import type { CoreError } from "./bindings/CoreError";
import { dictionaries, i18n, label, t } from "./i18n.svelte";
import { LETTER_FIELDS } from "./letterFields";

/** Field → translated messages. Nested fields (`employer.name`) keep their full path. */
export function fieldErrors(error: CoreError | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!error) return out;
  for (const issue of error.issues ?? []) {
    const text = label("issue", issue.code);
    const field = issue.field.replace(/\[\d+\]$/, "");
    out[field] = out[field] ? `${out[field]}; ${text}` : text;
  }
  return out;
}

/** One line for an error, in the interface language: the translated code, and the issues
 * when there are any. The core's message is English, so it is shown only for a code the
 * language has no text for; otherwise it stays available through `errorDetail`. */
export function errorLine(error: CoreError): string {
  const key = `error.${error.code}`;
  const head = t(key);
  const issues = error.issues ?? [];
  if (issues.length > 0) {
    return `${head}: ${issues.map((i) => `${fieldName(i.field)} — ${label("issue", i.code)}`).join("; ")}`;
  }
  if (key in dictionaries[i18n.lang] || !error.message) return head;
  // No text in this language: the English one with the detail, or (a code newer than this
  // UI) the core's message alone rather than a raw key.
  return key in dictionaries.en ? `${head} (${error.message})` : error.message;
}

/** The core's own (English) message, for a tooltip or a bug report: what `errorLine` leaves
 * out (an unknown id, a sync server's refusal). Empty when the line already says it. */
export function errorDetail(error: CoreError): string {
  const line = errorLine(error);
  return error.message && !line.includes(error.message) ? error.message : "";
}

/** The label of a field an issue names: a form field (`iin`, `employer.name`, `phones[1]`),
 * a mission profile field (`registry_pattern`) or a letter's data (`mission.consul_name_ko`,
 * from a template that refused to render). The raw name only when none is known. */
export function fieldName(field: string): string {
  const name = field.replace(/\[\d+\]$/, "");
  for (const key of [`field.${name}`, `mission.field.${name}`]) {
    if (key in dictionaries.en) return t(key);
  }
  const letter = LETTER_FIELDS[name];
  if (letter) {
    return t("letter.missing_item", { section: t(`letter.section.${letter.section}`), fields: t(letter.label) });
  }
  return field;
}
