// Every string the UI shows comes from the locale files: the four files have the same keys,
// none is empty, placeholders agree, and every key the source uses exists.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dictionaries, LANGUAGES } from "./i18n.svelte";
import { AGENCY_KINDS, CASE_STATUSES, CASE_TYPES, NOTE_KINDS, PRIORITIES, PROVINCES, SEXES, STAY_STATUSES } from "./enums";

const SRC = join(__dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "bindings" ? [] : sourceFiles(path);
    return /\.(svelte|ts)$/.test(name) && !name.endsWith(".test.ts") ? [path] : [];
  });
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

/** The string literals of a generated union type (`export type X = "a" | "b";`). */
function unionValues(binding: string): string[] {
  const text = readFileSync(join(SRC, "lib/bindings", `${binding}.ts`), "utf8");
  const decl = text.slice(text.indexOf("export type"));
  return [...decl.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

describe("locale files", () => {
  const en = dictionaries.en;

  it.each(LANGUAGES)("%s has every key of every other locale, none empty", (lang) => {
    const keys = new Set(Object.keys(dictionaries[lang]));
    for (const other of LANGUAGES) {
      const missing = Object.keys(dictionaries[other]).filter((k) => !keys.has(k));
      expect(missing, `keys of ${other} missing in ${lang}`).toEqual([]);
    }
    const empty = Object.entries(dictionaries[lang]).filter(([, v]) => v.trim() === "");
    expect(empty).toEqual([]);
  });

  it.each(LANGUAGES)("%s keeps every placeholder of the English text", (lang) => {
    for (const [key, text] of Object.entries(en)) {
      expect(placeholders(dictionaries[lang][key]), `${lang} ${key}`).toEqual(placeholders(text));
    }
  });

  it("has every key the source uses in t(…) and every label group value", () => {
    const used = new Set<string>();
    for (const file of sourceFiles(SRC)) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/\bt\(\s*"([a-z_][\w.-]*)"/g)) used.add(m[1]);
      for (const m of text.matchAll(/\bempty="([a-z_][\w.-]*)"/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(150);
    const missing = [...used].filter((k) => !(k in en));
    expect(missing).toEqual([]);
  });

  it("labels every value of the domain's enums and codes", () => {
    const groups: [string, readonly string[]][] = [
      ["case_type", CASE_TYPES], ["case_status", CASE_STATUSES], ["priority", PRIORITIES],
      ["timeline", unionValues("TimelineKind")], ["province", PROVINCES], ["stay", STAY_STATUSES],
      ["sex", SEXES], ["agency_kind", AGENCY_KINDS], ["letter_status", unionValues("LetterStatus")],
      ["issue", unionValues("IssueCode")], ["error", unionValues("ErrorCode")],
      ["search.kind", unionValues("SearchKind")], ["lang", LANGUAGES],
      ["consent_method", unionValues("ConsentMethod")], ["messenger", unionValues("Messenger")],
    ];
    // The forms' lists cover the whole enum.
    expect([...CASE_TYPES].sort()).toEqual(unionValues("CaseType").sort());
    expect([...PROVINCES].sort()).toEqual(unionValues("Province").sort());
    expect([...STAY_STATUSES].sort()).toEqual(unionValues("StayStatus").sort());
    expect(NOTE_KINDS.every((k) => unionValues("TimelineKind").includes(k))).toBe(true);
    const missing = groups.flatMap(([group, values]) =>
      values.map((v) => `${group}.${v}`).filter((k) => !(k in en)),
    );
    expect(missing).toEqual([]);
  });
});
