// The letter screen can name every field a template may report missing, in every language,
// and the shipped templates' titles match the templates.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dictionaries, LANGUAGES, setLanguage } from "./i18n.svelte";
import { LETTER_FIELDS, missingGroups } from "./letterFields";

const ROOT = join(__dirname, "../../..");
const TEMPLATES = join(ROOT, "assets/letters");
const templateFiles = readdirSync(TEMPLATES).filter((f) => f.endsWith(".toml"));
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** The strings of a TOML array `name = [ … ]` (possibly over several lines). */
function tomlArray(text: string, name: string): string[] {
  const m = new RegExp(`^${name}\\s*=\\s*\\[([^\\]]*)\\]`, "m").exec(text);
  return m ? [...m[1].matchAll(/"([^"]+)"/g)].map((s) => s[1]) : [];
}

function tomlString(text: string, name: string): string {
  const m = new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, "m").exec(text);
  if (!m) throw new Error(`no ${name}`);
  return m[1];
}

/** Field names a template uses: its required and optional lists, its `{placeholders}`
 * (`{?field|…}` too) and its `if`/`unless`/`when` conditions. */
function templateFields(text: string): string[] {
  const names = [
    ...tomlArray(text, "required"),
    ...tomlArray(text, "optional"),
    ...[...text.matchAll(/\{\??([a-z_]+\.[a-z_]+)[}|]/g)].map((m) => m[1]),
    ...[...text.matchAll(/^(?:if|unless)\s*=\s*"([^"]+)"/gm)].map((m) => m[1]),
    ...[...text.matchAll(/^when\s*=\s*\[([^\]]*)\]/gm)].flatMap((m) => [...m[1].matchAll(/"([^"]+)"/g)].map((s) => s[1])),
  ];
  return [...new Set(names)];
}

/** The keys the core puts into a letter's data (`set("worker.iin", …)`). */
function coreFields(): string[] {
  const text = read("crates/qorgau-core/src/letter_data.rs");
  const body = text.slice(text.indexOf("pub fn letter_context"), text.indexOf("#[cfg(test)]"));
  return [...new Set([...body.matchAll(/"((?:mission|agency|worker|employer|case|letter)\.[a-z_]+)"/g)].map((m) => m[1]))];
}

/** The whole template vocabulary: CONTEXT_KEYS and COMPUTED_KEYS of qorgau-letters. */
function vocabulary(): string[] {
  const text = read("crates/qorgau-letters/src/context.rs");
  return ["CONTEXT_KEYS", "COMPUTED_KEYS"].flatMap((name) => {
    const m = new RegExp(`pub const ${name}: &\\[&str\\] = &\\[([^\\]]*)\\]`).exec(text);
    if (!m) throw new Error(`${name} not found in context.rs`);
    return [...m[1].matchAll(/"([^"]+)"/g)].map((s) => s[1]);
  });
}

afterEach(() => setLanguage("en"));

describe("missing-field labels of the letter screen", () => {
  it("finds the field names it checks against", () => {
    expect(templateFiles.length).toBeGreaterThanOrEqual(10);
    const wage = templateFields(readFileSync(join(TEMPLATES, "wage_arrears.toml"), "utf8"));
    expect(wage).toContain("agency.recipient_ko");
    expect(coreFields()).toContain("mission.consul_name_ko");
    expect(vocabulary()).toContain("letter.date_numeric");
  });

  it("labels every field the templates use", () => {
    const unlabelled = templateFiles.flatMap((file) =>
      templateFields(readFileSync(join(TEMPLATES, file), "utf8"))
        .filter((f) => !(f in LETTER_FIELDS))
        .map((f) => `${file}: ${f}`),
    );
    expect(unlabelled).toEqual([]);
  });

  it("labels every field the core fills and the whole template vocabulary, nothing else", () => {
    const known = [...new Set([...coreFields(), ...vocabulary()])];
    expect(known.filter((f) => !(f in LETTER_FIELDS))).toEqual([]);
    expect(Object.keys(LETTER_FIELDS).filter((f) => !known.includes(f))).toEqual([]);
  });

  it("uses labels and section names that exist in every locale", () => {
    const keys = [
      ...Object.values(LETTER_FIELDS).map((f) => f.label),
      ...Object.values(LETTER_FIELDS).map((f) => `letter.section.${f.section}`),
    ];
    for (const lang of LANGUAGES) {
      expect(keys.filter((k) => !(k in dictionaries[lang])), lang).toEqual([]);
    }
  });

  it.each(LANGUAGES)("shows labels, not template keys, in %s", (lang) => {
    setLanguage(lang);
    const all = Object.keys(LETTER_FIELDS);
    const groups = missingGroups(all);
    expect(groups.map((g) => g.section)).toEqual(
      ["mission", "agency", "worker", "case", "letter"].map((s) => dictionaries[lang][`letter.section.${s}`]),
    );
    const shown = groups.flatMap((g) => [g.section, ...g.labels]).join(" | ");
    for (const field of all) expect(shown).not.toContain(field);
    expect(groups.every((g) => g.unknown.length === 0)).toBe(true);
  });

  it("groups by section, says a value once and keeps an unknown name visible", () => {
    setLanguage("en");
    expect(missingGroups(["worker.birth_date_ko", "mission.consul_name_ko", "worker.birth_date_en", "worker.future"])).toEqual([
      { section: "Mission profile", labels: ["Consul's name in Korean"], unknown: [] },
      { section: "Worker", labels: ["Date of birth"], unknown: [] },
      { section: "", labels: [], unknown: ["worker.future"] },
    ]);
    expect(missingGroups([])).toEqual([]);
  });
});

describe("shipped letter templates", () => {
  it("have a title and a description in every locale, the same as the template's own", () => {
    for (const file of templateFiles) {
      const text = readFileSync(join(TEMPLATES, file), "utf8");
      const name = tomlString(text, "name");
      for (const lang of LANGUAGES) {
        expect(dictionaries[lang][`template.${name}.title`], `${lang} ${name}`).toBeTruthy();
        expect(dictionaries[lang][`template.${name}.description`], `${lang} ${name}`).toBeTruthy();
      }
      expect(dictionaries.en[`template.${name}.title`]).toBe(tomlString(text, "title_en"));
      expect(dictionaries.ko[`template.${name}.title`]).toBe(tomlString(text, "title_ko"));
      const description = /^description\s*=\s*"""([\s\S]*?)"""/m.exec(text)?.[1] ?? "";
      expect(dictionaries.en[`template.${name}.description`]).toBe(description.split(/\s+/).filter(Boolean).join(" "));
    }
  });
});
