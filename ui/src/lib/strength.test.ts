import { describe, expect, it } from "vitest";
import { passphraseStrength } from "./strength";

describe("passphrase strength", () => {
  it("refuses fewer than 10 characters", () => {
    expect(passphraseStrength("Sh0rt!").score).toBe(0);
    expect(passphraseStrength("Sh0rt!").hints).toContain("strength.hint_length");
  });

  it("rates repeats, runs and common words low", () => {
    expect(passphraseStrength("aaaaaaaaaaaa").score).toBe(1);
    expect(passphraseStrength("abcdefghijkl").score).toBe(1);
    expect(passphraseStrength("password1234").hints).toContain("strength.hint_common");
  });

  it("rates several unrelated words high, in any script", () => {
    expect(passphraseStrength("тау бұлақ жылқы 1987 самса").score).toBeGreaterThanOrEqual(3);
    expect(passphraseStrength("correct horse battery staple").score).toBe(4);
    expect(passphraseStrength("바다 산 구름 하늘 별").score).toBeGreaterThanOrEqual(3);
  });

  it("grows with length", () => {
    const a = passphraseStrength("qwmz7Lp0x!");
    const b = passphraseStrength("qwmz7Lp0x!Rt5vN");
    expect(b.bits).toBeGreaterThan(a.bits);
  });
});
