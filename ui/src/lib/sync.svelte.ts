// The last background sync round, as the app reported it (`qorgau://synced`).
import type { CoreError } from "./bindings/CoreError";
import type { SyncReport } from "./bindings/SyncReport";

export type SyncOutcome = SyncReport | CoreError;

export const syncState = $state({ last: null as { at: Date; outcome: SyncOutcome } | null });

export function isError(outcome: SyncOutcome): outcome is CoreError {
  return "code" in outcome && "message" in outcome;
}
