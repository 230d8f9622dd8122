// The hard cases' checklist and logs: a death case shows every repatriation item with its
// status in the interface language, and a contact with the family is sent as the domain's
// entry.
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";

const calls: { cmd: string; args: Record<string, unknown> }[] = [];
const items = ["death_certificate", "release_of_body", "embalming_certificate", "transport_certificate", "consular_certificate", "funeral_firm", "transport_costs"];

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(async (cmd: string, args: Record<string, unknown>) => {
    calls.push({ cmd, args });
    switch (cmd) {
      case "case_logs":
        return [{ id: "e1", case_id: "c1", kind: "kin_contact", on: "2026-01-12", contact: "brother Аскар", summary: "told of the documents", next_update_on: "2026-01-15", author: "Айгерім", recorded_at: 1 }];
      case "repatriation_checklist":
        return items.map((item) => ({ item, status: item === "death_certificate" ? "received" : "pending", on: null, cost_krw: null, payer: null, note: null }));
      case "add_case_log":
        return "e2";
      default:
        throw new Error(`unexpected ${cmd}`);
    }
  }),
}));

import CaseLogs from "./CaseLogs.svelte";
import { dictionaries, setLanguage } from "../lib/i18n.svelte";

describe("CaseLogs", () => {
  afterEach(() => {
    cleanup();
    calls.length = 0;
    setLanguage("en");
  });

  it("lists the repatriation items and records a contact with the family", async () => {
    setLanguage("ru");
    const onChanged = vi.fn();
    render(CaseLogs, { caseId: "c1", caseType: "death_repatriation", onChanged });
    await waitFor(() => expect(document.querySelectorAll(".checklist tbody tr")).toHaveLength(items.length));
    const first = document.querySelector(".checklist tbody tr")!;
    expect(first.textContent).toContain(dictionaries.ru["repatriation_item.death_certificate"]);
    expect((first.querySelector("select") as HTMLSelectElement).value).toBe("received");
    expect(document.body.textContent).toContain("told of the documents");
    // Detention visits are for detention cases only.
    expect(document.querySelector("#visit-place")).toBeNull();

    await fireEvent.input(document.querySelector("#kin-contact")!, { target: { value: "mother" } });
    await fireEvent.input(document.querySelector("#kin-summary")!, { target: { value: "the body leaves on Friday" } });
    await fireEvent.input(document.querySelector("#kin-next")!, { target: { value: "2026-01-20" } });
    await fireEvent.click(screen.getByText(dictionaries.ru["caselog.add_contact"]));
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    const sent = calls.find((c) => c.cmd === "add_case_log")!.args.entry as Record<string, unknown>;
    expect(sent).toMatchObject({ kind: "kin_contact", contact: "mother", summary: "the body leaves on Friday", next_update_on: "2026-01-20", channel: null });
  });
});
