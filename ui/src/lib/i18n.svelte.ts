// Interface language: every visible string comes from locales/<lang>.json through t(); dates
// and KRW amounts are formatted for the chosen language.
import en from "./locales/en.json";
import kk from "./locales/kk.json";
import ko from "./locales/ko.json";
import ru from "./locales/ru.json";

import { LANGUAGES as APP_LANGUAGES } from "./bindings/constants";

/** The interface languages, as the app's settings accept them. */
export type Lang = (typeof APP_LANGUAGES)[number];
export const LANGUAGES: readonly Lang[] = APP_LANGUAGES;
export const dictionaries: Record<Lang, Record<string, string>> = { kk, ru, en, ko };

/** BCP 47 tags for Intl: Kazakh and Russian as written in Kazakhstan, Korean in Korea. */
export const LOCALE_TAGS: Record<Lang, string> = {
  kk: "kk-KZ",
  ru: "ru-RU",
  en: "en-GB",
  ko: "ko-KR",
};

export const i18n = $state({ lang: "kk" as Lang });

export function setLanguage(lang: string) {
  if ((LANGUAGES as string[]).includes(lang)) {
    i18n.lang = lang as Lang;
    document.documentElement.lang = lang;
  }
}

/** The string for `key` in the current language, with `{name}` placeholders filled. A key
 * missing everywhere shows itself, so a gap is visible (and the locale test fails). */
export function t(key: string, params?: Record<string, string | number>): string {
  const text = dictionaries[i18n.lang][key] ?? dictionaries.en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The label of an enum value (`case_type`, `unpaid_wages`); the raw value when unknown. */
export function label(group: string, value: string | null | undefined): string {
  if (value == null || value === "") return "—";
  const key = `${group}.${value}`;
  const text = dictionaries[i18n.lang][key] ?? dictionaries.en[key];
  return text ?? value;
}

/** A case's title in the interface language: the worker, the type's label, the summary's start. */
export function caseTitle(parts: { worker_name: string; case_type: string; summary?: string | null }): string {
  const head = [parts.worker_name, label("case_type", parts.case_type)].filter((p) => p && p !== "—");
  if (parts.summary) head.push(parts.summary);
  return head.join(" · ");
}

/** What tells a worker apart from namesakes, as one line: birth date, province, employer,
 *  the IIN's last four digits, open cases. */
export function workerFactsLine(facts: {
  birth_date?: string | null;
  province?: string | null;
  employer?: string | null;
  iin_last4?: string | null;
  open_cases: number;
}): string {
  const parts: string[] = [];
  if (facts.birth_date) parts.push(formatDate(facts.birth_date));
  if (facts.province) parts.push(label("province", facts.province));
  if (facts.employer) parts.push(facts.employer);
  if (facts.iin_last4) parts.push(t("search.iin_last4", { digits: facts.iin_last4 }));
  if (facts.open_cases > 0) parts.push(t("search.open_cases", { count: facts.open_cases }));
  return parts.join(" · ");
}

/** `2026-11-21` as the language writes a date (the date itself, no time zone shift). */
export function formatDate(iso: string | null | undefined, lang: Lang = i18n.lang): string {
  if (!iso) return "—";
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(LOCALE_TAGS[lang], {
    year: "numeric",
    month: "long",
    day: "numeric",
    timeZone: "UTC",
  }).format(date);
}

/** A won amount as the language writes money (no minor units: the won has none). */
export function formatKrw(amount: number | null | undefined, lang: Lang = i18n.lang): string {
  if (amount == null) return "—";
  return new Intl.NumberFormat(LOCALE_TAGS[lang], {
    style: "currency",
    currency: "KRW",
    maximumFractionDigits: 0,
  }).format(amount);
}

/** An HLC timestamp (milliseconds since 1970 in the high 48 bits) as a local date and time. */
export function formatHlc(hlc: number, lang: Lang = i18n.lang): string {
  const ms = Math.floor(hlc / 65536);
  return new Intl.DateTimeFormat(LOCALE_TAGS[lang], {
    dateStyle: "medium",
    timeStyle: "short",
  }).format(new Date(ms));
}
