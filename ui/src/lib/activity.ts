// Tells the app the caseworker is active (keys, clicks, wheel), at most once per interval, so
// the auto-lock in the Rust side counts idle time from the last real use.
export function trackActivity(touch: () => void, everyMs = 15_000): () => void {
  let last = 0;
  const onActivity = () => {
    const now = Date.now();
    if (now - last >= everyMs) {
      last = now;
      touch();
    }
  };
  const events = ["keydown", "pointerdown", "wheel"] as const;
  for (const e of events) window.addEventListener(e, onActivity, { passive: true });
  return () => {
    for (const e of events) window.removeEventListener(e, onActivity);
  };
}
