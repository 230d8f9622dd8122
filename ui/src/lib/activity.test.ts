import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { trackActivity } from "./activity";
import { localToday } from "./dates";

describe("activity tracking", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("reports the first activity at once and the rest at most once per window, trailing", () => {
    const touch = vi.fn();
    const stop = trackActivity(touch, 1000);
    window.dispatchEvent(new KeyboardEvent("keydown"));
    expect(touch).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(200);
    window.dispatchEvent(new KeyboardEvent("keydown"));
    window.dispatchEvent(new Event("pointerdown"));
    expect(touch).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(800);
    expect(touch).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(5000);
    expect(touch).toHaveBeenCalledTimes(2);
    stop();
    window.dispatchEvent(new KeyboardEvent("keydown"));
    expect(touch).toHaveBeenCalledTimes(2);
  });
});

describe("localToday", () => {
  it("is the laptop's calendar date, not UTC's", () => {
    // 08:30 in the morning local time is still "yesterday" in UTC east of Greenwich.
    expect(localToday(new Date(2026, 10, 22, 8, 30))).toBe("2026-11-22");
    expect(localToday(new Date(2026, 0, 5, 23, 59))).toBe("2026-01-05");
  });
});
