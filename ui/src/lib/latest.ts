// Search-as-you-type sends a request per keystroke; answers can arrive out of order. Only the
// answer to the latest request is current: earlier ones are dropped.
export function latestOnly<A extends unknown[], T>(
  f: (...args: A) => Promise<T>,
): (...args: A) => Promise<{ current: boolean; value: T }> {
  let latest = 0;
  return async (...args: A) => {
    const mine = ++latest;
    const value = await f(...args);
    return { current: mine === latest, value };
  };
}
