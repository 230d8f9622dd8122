// The letter screen in Russian: a shipped template's title and description are Russian, and
// the data a template still needs is named by form labels, never by template keys.
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";

const template = {
  name: "wage_arrears",
  title_ko: "임금체불 진정 사건 처리 협조 요청",
  title_en: "Wage-arrears petition: request for cooperation",
  description: "To the regional employment and labour office …",
  recipients: ["labour_office"],
  form: "gongmun",
  required: [],
  optional: [],
  source: "embedded",
};
const missing = ["mission.consul_name_ko", "mission.consul_title_ko", "worker.birth_date_ko", "worker.birth_date_en", "agency.recipient_ko"];

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(async (cmd: string) => {
    switch (cmd) {
      case "case_detail":
        return {
          case: { id: "c1", status: "new", priority: "normal", workers: ["w1"] },
          workers: [{ id: "w1", display_name: "Ахметов Нұрлан" }],
          agencies: [], timeline: [], tasks: [], transitions: [], letters: [], attachments: [],
        };
      case "letter_templates":
        return [template];
      case "list_agencies":
        return [];
      case "letter_missing_fields":
        return missing;
      case "letter_warnings":
        return [];
      case "letter_safeguard":
        return { channel: "labour_office", reporting_duty: "exempt_for_wage_victims", notice: null, may_state_stay_status: true, stay_status: "withheld" };
      default:
        throw new Error(`unexpected ${cmd}`);
    }
  }),
}));

import LetterComposer from "./LetterComposer.svelte";
import { dictionaries, setLanguage } from "../lib/i18n.svelte";

describe("LetterComposer", () => {
  afterEach(() => {
    cleanup();
    setLanguage("en");
  });

  it("lists missing data by section and label in the interface language", async () => {
    setLanguage("ru");
    render(LetterComposer, { caseId: "c1" });
    const select = await screen.findByLabelText("Шаблон");
    expect(screen.getByRole("option", { name: /^Заявление о задолженности по заработной плате: просьба о содействии \(/ })).toBeTruthy();
    await fireEvent.change(select, { target: { value: "wage_arrears" } });
    await waitFor(() => expect(document.querySelector("#letter-missing")).not.toBeNull(), { timeout: 2000 });
    const items = [...document.querySelectorAll("#letter-missing li")].map((li) => li.textContent);
    expect(items).toEqual([
      "Профиль представительства: ФИО консула на корейском, Должность консула на корейском",
      "Организация-адресат: Получатель (на корейском)",
      "Работник: Дата рождения",
    ]);
    const banner = document.querySelector("#letter-missing")!.textContent!;
    expect(banner).not.toMatch(/mission\.|worker\.|agency\.|_ko\b/);
    // The template's description in the interface language, not the template's English.
    expect(document.body.textContent).toContain(dictionaries.ru["template.wage_arrears.description"].slice(0, 40));
  });
});
