// Tells the app the caseworker is active (keys, clicks, wheel), at most once per interval, so
// the auto-lock in the Rust side counts idle time from the last real use.
export function trackActivity(touch: () => void, everyMs = 15_000): () => void {
  let last = -Infinity;
  let trailing: ReturnType<typeof setTimeout> | null = null;
  const onActivity = () => {
    const now = performance.now();
    if (now - last >= everyMs) {
      last = now;
      touch();
    } else if (!trailing) {
      // Activity inside the window is reported at its end, so idle time is never overstated.
      trailing = setTimeout(() => {
        trailing = null;
        last = performance.now();
        touch();
      }, everyMs - (now - last));
    }
  };
  const events = ["keydown", "pointerdown", "wheel"] as const;
  for (const e of events) window.addEventListener(e, onActivity, { passive: true });
  return () => {
    for (const e of events) window.removeEventListener(e, onActivity);
    if (trailing) clearTimeout(trailing);
  };
}
