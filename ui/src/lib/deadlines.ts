// A computed deadline's title in the interface language, from its stable key
// (`final_pay`, `prescription:2025-09-10`, `death:release_of_body`); the core's English title
// when the key is one this build does not know.
import { dictionaries, formatDate, i18n, t } from "./i18n.svelte";

export function deadlineTitle(key: string, fallback: string): string {
  const [family, arg] = key.split(/:(.*)/s);
  if (family === "prescription" && arg) return t("deadline.prescription", { date: formatDate(arg) });
  const name = family === "death" && arg ? `deadline.death.${arg}` : `deadline.${key}`;
  return dictionaries[i18n.lang][name] ?? dictionaries.en[name] ?? fallback;
}
