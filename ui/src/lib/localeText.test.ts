// A locale value is text for a person: never a raw key (`mission.consul_name_ko`), an enum
// value or another code word (`trafficking_forced_labour`) that slipped in where a sentence or
// label is expected, and never the English text left untranslated.
import { describe, expect, it } from "vitest";
import { dictionaries, LANGUAGES } from "./i18n.svelte";

/** The code words in `text`: dotted keys and snake_case identifiers. Placeholders (`{count}`)
 * and code the text shows on purpose in backticks (`qorgau mission set`) do not count. */
function codeWords(text: string): string[] {
  const prose = text.replace(/\{\w+\}/g, " ").replace(/`[^`]*`/g, " ");
  const dotted = prose.match(/(?<![\p{L}\p{N}_.])[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+(?![\p{L}\p{N}_])/gu) ?? [];
  const rest = dotted.reduce((s, word) => s.replace(word, " "), prose);
  const snake = rest.match(/(?<![\p{L}\p{N}_.])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![\p{L}\p{N}_])/gu) ?? [];
  return [...new Set([...dotted, ...snake])];
}

/** Keys whose value is the same in every language: names and symbols, not prose. */
const SAME_AS_ENGLISH = new Set([
  "app.name", "lang.en", "lang.kk", "lang.ko", "lang.ru", "letter.missing_item",
  "messenger.kakaotalk", "messenger.telegram", "messenger.whatsapp",
  "attachments.size", // Korean writes KB in Latin letters; Kazakh and Russian write КБ
]);

describe("code words", () => {
  it("are recognised", () => {
    expect(codeWords("mission.consul_name_ko")).toEqual(["mission.consul_name_ko"]);
    expect(codeWords("trafficking_forced_labour")).toEqual(["trafficking_forced_labour"]);
    expect(codeWords("Не хватает: worker.latin_name, letter.date_ko")).toEqual(["worker.latin_name", "letter.date_ko"]);
    expect(codeWords("Тип дела: unpaid_wages")).toEqual(["unpaid_wages"]);
    expect(codeWords("case_type.unpaid_wages")).toEqual(["case_type.unpaid_wages"]);
  });

  it("are not found in prose, placeholders or quoted commands", () => {
    expect(codeWords("Registered as {number}.")).toEqual([]);
    expect(codeWords("No mission profile yet: set it with `qorgau mission set`.")).toEqual([]);
    expect(codeWords("Enrollment code (QRG1-…)")).toEqual([]);
    expect(codeWords("Qorgau 0.1.0, e-mail, 010-2345-6789, Ctrl+K")).toEqual([]);
    expect(codeWords("‘{status}’ 상태로 변경")).toEqual([]);
  });
});

describe("locale values", () => {
  it.each(LANGUAGES)("%s has no raw key or code word where text is expected", (lang) => {
    const dict = dictionaries[lang];
    const found = Object.entries(dict)
      .map(([key, value]) => ({ key, value, words: codeWords(value) }))
      .filter((e) => e.words.length > 0 || e.value in dict || e.value.trim() === e.key);
    expect(found).toEqual([]);
  });

  it.each(LANGUAGES.filter((l) => l !== "en"))("%s translates every text (none left in English)", (lang) => {
    const left = Object.entries(dictionaries.en)
      .filter(([key, text]) => dictionaries[lang][key] === text && !SAME_AS_ENGLISH.has(key))
      .map(([key]) => key);
    expect(left).toEqual([]);
  });
});
