// The interface's colour pairs meet WCAG 2.1 AA contrast (4.5:1 for text), read from the
// stylesheet itself so a changed colour is checked too. The chart's status colours carry
// white-on-colour nowhere, but are checked as graphics against the panel (3:1).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// Vitest runs in ui/.
const css = readFileSync("src/app.css", "utf8");
const chart = readFileSync("src/components/CaseChart.svelte", "utf8");
const vars = Object.fromEntries([...css.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1], m[2]]));

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) =>
    c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4,
  );
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe("colour contrast", () => {
  it("computes the WCAG ratio", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 1);
    expect(contrast("#777777", "#ffffff")).toBeCloseTo(4.48, 1);
  });

  // Text colour on its background, as app.css pairs them.
  const pairs: [string, string][] = [
    ["ink", "bg"], ["ink", "panel"], ["muted", "bg"], ["muted", "panel"],
    ["accent", "panel"], ["accent", "bg"], ["accent-ink", "accent"], ["accent", "accent-soft"],
    ["danger", "panel"], ["danger", "danger-soft"], ["accent-ink", "danger"],
    ["ok", "ok-soft"], ["warn", "warn-soft"],
  ];
  it.each(pairs)("%s on %s is at least 4.5:1", (fg, bg) => {
    expect(vars[fg], fg).toBeDefined();
    expect(vars[bg], bg).toBeDefined();
    expect(contrast(vars[fg], vars[bg])).toBeGreaterThanOrEqual(4.5);
  });

  it("the chart's status colours stand out from the panel (3:1 for graphics)", () => {
    const colours = [...chart.matchAll(/:\s*"(#[0-9a-f]{6})"/gi)].map((m) => m[1]);
    expect(colours.length).toBeGreaterThanOrEqual(3);
    for (const c of colours) expect(contrast(c, vars.panel), c).toBeGreaterThanOrEqual(3);
  });
});
