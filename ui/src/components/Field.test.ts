// Every input is tied to its hint and its error (aria-describedby), and the tie follows the
// error as it appears and goes.
import { cleanup, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import { tick } from "svelte";
import FieldHarness from "./FieldHarness.test.svelte";

describe("Field", () => {
  afterEach(cleanup);

  it("describes the input by its hint and its error", async () => {
    const view = render(FieldHarness, { hint: "12 digits", error: "" });
    const input = screen.getByLabelText("IIN");
    await tick();
    expect(input.getAttribute("aria-describedby")).toBe("w-iin-hint");
    await view.rerender({ hint: "12 digits", error: "wrong check digit" });
    await tick();
    expect(input.getAttribute("aria-describedby")).toBe("w-iin-hint w-iin-error");
    expect(document.getElementById("w-iin-error")?.textContent).toBe("wrong check digit");
    await view.rerender({ hint: "", error: "" });
    await tick();
    expect(input.hasAttribute("aria-describedby")).toBe(false);
  });
});
