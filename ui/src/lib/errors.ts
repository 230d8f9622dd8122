// Turning a CoreError into what a screen shows: a message per form field (from the domain's
// issue codes, translated) and one line for everything else.
import type { CoreError } from "./bindings/CoreError";
import { label, t } from "./i18n.svelte";

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

/** One line for an error: the translated code, and the core's English detail when it adds
 * something (an unknown id, a sync server's refusal). */
export function errorLine(error: CoreError): string {
  const head = t(`error.${error.code}`);
  const issues = error.issues ?? [];
  if (issues.length > 0) {
    return `${head}: ${issues.map((i) => `${fieldName(i.field)} — ${label("issue", i.code)}`).join("; ")}`;
  }
  return error.code === "wrong_passphrase" || error.code === "locked"
    ? head
    : `${head} (${error.message})`;
}

export function fieldName(field: string): string {
  const key = `field.${field.replace(/\[\d+\]$/, "")}`;
  const text = t(key);
  return text === key ? field : text;
}
