// Search-as-you-type: results appear while typing, a slower answer to an older query never
// replaces a newer one, and Enter opens the highlighted hit.
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const pending: { query: string; resolve: (hits: unknown) => void }[] = [];
vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn((cmd: string, args: { query: string }) => {
    if (cmd !== "search") throw new Error(`unexpected ${cmd}`);
    return new Promise((resolve) => pending.push({ query: args.query, resolve }));
  }),
}));

import SearchBox from "./SearchBox.svelte";
import { router, reset } from "../lib/router.svelte";
import { setLanguage } from "../lib/i18n.svelte";

const hit = (id: string, title: string, kind = "worker") => ({ kind, id, title, score: 1 });

describe("SearchBox", () => {
  afterEach(cleanup);
  beforeEach(() => {
    pending.length = 0;
    reset();
    setLanguage("en");
  });

  it("shows the newest query's results and opens a hit with Enter", async () => {
    render(SearchBox);
    const input = screen.getByRole("combobox");
    await fireEvent.input(input, { target: { value: "Нұ" } });
    await fireEvent.input(input, { target: { value: "Нұрлан" } });
    expect(pending.map((p) => p.query)).toEqual(["Нұ", "Нұрлан"]);
    pending[1].resolve([hit("w2", "Ахметов Нұрлан"), hit("c1", "Ахметов Нұрлан · Unpaid wages", "case")]);
    await waitFor(() => expect(screen.getAllByRole("option")).toHaveLength(2));
    // The older, slower answer arrives last and is ignored.
    pending[0].resolve([hit("w9", "Stale")]);
    await new Promise((r) => setTimeout(r, 10));
    expect(screen.queryByText("Stale")).toBeNull();
    await fireEvent.keyDown(input, { key: "ArrowDown" });
    await fireEvent.keyDown(input, { key: "Enter" });
    expect(router.route).toEqual({ name: "case", id: "c1" });
  });

  it("does not search for a single character", async () => {
    render(SearchBox);
    await fireEvent.input(screen.getByRole("combobox"), { target: { value: "누" } });
    expect(pending).toHaveLength(0);
  });

  it("shows a name with markup as text", async () => {
    render(SearchBox);
    await fireEvent.input(screen.getByRole("combobox"), { target: { value: "img" } });
    pending[0].resolve([hit("w1", "<img src=x onerror=alert(1)>")]);
    await waitFor(() => expect(screen.getByText("<img src=x onerror=alert(1)>")).toBeTruthy());
    expect(document.querySelector("#search-results img")).toBeNull();
  });
});
