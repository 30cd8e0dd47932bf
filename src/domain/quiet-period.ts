import type { Workflow } from './objects.js';
import type { GcPod } from './gc-machinery.js';
import { parseTimestamp } from './timestamp.js';

export interface QuietPeriod {
  /** The latest moment anything happened that the controller may still be reacting to. */
  anchor: Date | undefined;
  /** What the anchor was, in words: "finished", "deletion requested", "GC pod activity", "re-arm". */
  anchorKind: string | undefined;
  /** Milliseconds since the anchor; Infinity when there is no timestamp at all. */
  elapsedMs: number;
  inside: boolean;
}

/**
 * The controller requeues 5 s after a write and resyncs every 20 min, so a Workflow is only "stalled" once
 * nothing happened for a whole quiet period: since it finished, since deletion was requested, and since
 * any GC pod was created or finished, and since the remediator last re-armed GC (README "Finishing GC").
 */
export function quietPeriod(workflow: Workflow, pods: GcPod[], now: Date, quietPeriodMs: number, rearmedAt?: string): QuietPeriod {
  // One pass, no list of stamps built first: this runs for every Workflow past row 5. Later stamps win ties.
  let latest: { kind: string; at: number } | undefined;
  const consider = (kind: string, text: string | null | undefined) => {
    const at = text ? parseTimestamp(text) : NaN;
    if (Number.isFinite(at) && (!latest || at >= latest.at)) latest = { kind, at };
  };
  consider('finished', workflow.status?.finishedAt);
  consider('deletion requested', workflow.metadata.deletionTimestamp);
  for (const p of pods) for (const t of p.activity) consider('GC pod activity', t);
  // Last, so a re-arm at the same instant as GC pod activity is the anchor: it is what the controller reacts to.
  consider('re-arm', rearmedAt);
  if (!latest) return { anchor: undefined, anchorKind: undefined, elapsedMs: Infinity, inside: false };
  const elapsedMs = now.getTime() - latest.at;
  return { anchor: new Date(latest.at), anchorKind: latest.kind, elapsedMs, inside: elapsedMs < quietPeriodMs };
}
