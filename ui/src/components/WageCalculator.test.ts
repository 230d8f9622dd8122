// The wage calculator on the case page: what the caseworker types is sent as the domain's
// input, the computed lines come back as a table in the interface language, and a refused
// field is marked.
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";

const calls: { cmd: string; args: Record<string, unknown> }[] = [];
const claim = {
  unpaid_wages_krw: 3500000, min_wage_shortfall_krw: 0, weekly_holiday_krw: 0, severance_krw: 4991542,
  delay_interest_krw: 1076262, prescribed_krw: 2000000, total_krw: 9567804, unpaid_paydays: ["2025-09-10"],
  lines: [
    { item: "unpaid_wages", amount_krw: 3500000, rule: "earned less paid", statute: "근로기준법 제43조", source: "leeko.com", from: "2025-08-01", to: "2025-08-31", due_on: "2025-09-10" },
    { item: "severance", amount_krw: 4991542, rule: "30 days per year", statute: "근로자퇴직급여 보장법 제8조제1항", source: "easylaw.go.kr", from: "2024-03-04", to: "2025-09-30", due_on: "2025-10-14" },
    { item: "prescribed", amount_krw: 2000000, rule: "3 years", statute: "근로기준법 제49조", source: "k-labor.co.kr", from: "2022-01-01", to: "2022-01-31", due_on: "2022-02-10" },
  ],
  warnings: [{ code: "severance_estimated_months", message: "a month was not entered" }],
};

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(async (cmd: string, args: Record<string, unknown>) => {
    calls.push({ cmd, args });
    if (cmd !== "calc_case_wages") throw new Error(`unexpected ${cmd}`);
    const input = args.input as { last_day: string | null; start_date: string };
    if (input.last_day && input.last_day < input.start_date) {
      throw { code: "invalid", message: "last_day: before the start", issues: [{ field: "last_day", code: "date_order", severity: "error", message: "before the start" }], existing_id: null };
    }
    return { calc_id: args.save ? "0190-calc" : null, claim };
  }),
}));

import WageCalculator from "./WageCalculator.svelte";
import { dictionaries, setLanguage } from "../lib/i18n.svelte";

describe("WageCalculator", () => {
  afterEach(() => {
    cleanup();
    calls.length = 0;
    setLanguage("en");
  });

  it("sends the input and shows the lines as a table in the interface language", async () => {
    setLanguage("ko");
    const onSaved = vi.fn(async () => {});
    render(WageCalculator, { caseId: "c1", onSaved });
    await fireEvent.input(document.querySelector("#wc-start")!, { target: { value: "2024-03-04" } });
    await fireEvent.input(document.querySelector("#wc-last")!, { target: { value: "2025-09-30" } });
    await fireEvent.input(document.querySelector("#wc-amount")!, { target: { value: "12000" } });
    const [month, earned] = [...document.querySelectorAll(".months input")] as HTMLInputElement[];
    await fireEvent.input(month, { target: { value: "2025-08" } });
    await fireEvent.input(earned, { target: { value: "3500000" } });
    await fireEvent.click(screen.getByText(dictionaries.ko["wages.save"]));
    await waitFor(() => expect(document.querySelector("#wage-lines")).not.toBeNull());
    const input = calls[0].args.input as Record<string, unknown>;
    expect(calls[0].args.save).toBe(true);
    expect(input).toMatchObject({
      start_date: "2024-03-04", last_day: "2025-09-30", weekly_hours: 40, hourly_wage: 12000,
      monthly_pay: null, payday: 10, months: [{ month: "2025-08", earned: 3500000, paid: 0 }],
    });
    expect(onSaved).toHaveBeenCalled();
    const rows = [...document.querySelectorAll("#wage-lines tbody tr")].map((r) => r.querySelector("td")!.textContent);
    expect(rows).toEqual(["미지급 임금", "퇴직금", "소멸시효 완성(청구 제외)"]);
    expect(document.querySelector("#wages-total")!.textContent).toMatch(/9,567,804/);
    expect(document.body.textContent).toContain(dictionaries.ko["claim_warning.severance_estimated_months"]);
    expect(document.body.textContent).toContain(dictionaries.ko["wages.prescribed_note"]);
    expect(document.querySelector("#wages-saved")).not.toBeNull();
  });

  it("marks the field the core refused", async () => {
    render(WageCalculator, { caseId: "c1", onSaved: async () => {} });
    await fireEvent.input(document.querySelector("#wc-start")!, { target: { value: "2024-03-04" } });
    await fireEvent.input(document.querySelector("#wc-last")!, { target: { value: "2024-01-01" } });
    await fireEvent.click(screen.getByText("Compute"));
    await waitFor(() => expect(document.querySelector("#wc-last-error")?.textContent).toContain(dictionaries.en["issue.date_order"]));
    expect(document.querySelector("#wc-last")!.getAttribute("aria-invalid")).toBe("true");
    expect(document.querySelector("#wage-lines")).toBeNull();
  });
});
