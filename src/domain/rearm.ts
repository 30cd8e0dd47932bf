/**
 * The re-arm record (README "Finishing GC"): each re-arm writes, in the same patch that clears
 * `strategiesProcessed/<S>` and `podsRecouped/<pod>`, the annotation below with how many re-arms were made and
 * when the last one was. Its value is JSON, `{"count": 1, "at": "2026-08-20T12:00:00Z"}`; anything else is read
 * as no re-arm at all (a hand-edited value must never be taken as "attempts exhausted" nor hide one).
 */
export const REARM_ANNOTATION = 'argo-finalizer-remediator/rearm';

/** Causes a re-arm can help: GC ran and failed, never ran, or its pod was never created (README "Finishing GC"). */
export const REARM_CAUSES: ReadonlySet<string> = new Set(['gc-failed', 'gc-never-ran', 'gc-pod-missing']);

/** Re-arms per Workflow before a notify says `gc-rearm-failed` (config `finishing.rearm.maxAttempts`). */
export const DEFAULT_REARM_MAX_ATTEMPTS = 2;

export interface RearmRecord {
  count: number;
  at: string;
}

export function readRearm(annotations: Record<string, string> | null | undefined): RearmRecord | undefined {
  const text = annotations?.[REARM_ANNOTATION];
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { count, at } = (value ?? {}) as { count?: unknown; at?: unknown };
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) return undefined;
  if (typeof at !== 'string' || !Number.isFinite(Date.parse(at))) return undefined;
  return { count, at };
}

export function formatRearm(record: RearmRecord): string {
  return JSON.stringify({ count: record.count, at: record.at });
}
