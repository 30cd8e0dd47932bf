import type { ActEvidence } from '../evidence/before-act.js';
import type { EvidenceSink } from '../evidence/sink.js';
import type { Log } from '../observability/log.js';
import type { WorkflowSignal } from '../signals/signal.js';

/**
 * Where the evidence bundle and the intent record go before finishing destroys anything (README "Evidence
 * bundle", invariant 9): src/evidence's `evidenceFirst`, the same step every finalizer removal takes, reading the
 * bundle through the cluster port. If it throws, nothing is done and the record fails (retried, then the DLQ).
 */
export interface FinishingEvidence {
  sink: EvidenceSink;
  /** The signal that led here, for the planned decision in the intent record. */
  signal?: WorkflowSignal | undefined;
  log?: Log;
  /** What each bundle cost (metrics, bench). */
  onStored?: (evidence: ActEvidence) => void;
}

/**
 * Caps (invariant 7): what this invocation may still spend, shared across Workflows; and, optionally, the daily
 * ledger per cluster. `take` reserves or refuses whole: a completion that does not fit deletes nothing.
 */
export interface FinishingBudget {
  takeObjects(objects: number, bytes: number): { ok: true } | { ok: false; reason: string };
  takeRearm(): { ok: true } | { ok: false; reason: string };
}

export type LedgerAnswer = { ok: true } | { ok: false; reason: string; /** the ledger could not be reached: try again later */ transient: boolean };

export interface DailyLedger {
  /**
   * Reserves for (cluster, UTC day) before anything is deleted; idempotent per `id` (a redelivered action is not
   * counted twice). Refuses when the day's caps would be passed, and when the ledger cannot be reached.
   */
  reserve(cluster: string, day: string, id: string, objects: number, bytes: number, caps: { objectsPerDay: number; bytesPerDay: number }): Promise<LedgerAnswer>;
}

/** A budget from the configured per-invocation caps; one per invocation, shared by every Workflow in it. */
export function invocationBudget(caps: { objectsPerInvocation: number; bytesPerInvocation: number; rearmsPerInvocation: number }): FinishingBudget {
  let objects = 0;
  let bytes = 0;
  let rearms = 0;
  return {
    takeObjects(n, b) {
      if (objects + n > caps.objectsPerInvocation) return { ok: false, reason: `${n} object(s) would pass finishing.caps.objectsPerInvocation ${caps.objectsPerInvocation} (${objects} used)` };
      if (bytes + b > caps.bytesPerInvocation) return { ok: false, reason: `${b} byte(s) would pass finishing.caps.bytesPerInvocation ${caps.bytesPerInvocation} (${bytes} used)` };
      objects += n;
      bytes += b;
      return { ok: true };
    },
    takeRearm() {
      if (rearms >= caps.rearmsPerInvocation) return { ok: false, reason: `finishing.caps.rearmsPerInvocation ${caps.rearmsPerInvocation} reached` };
      rearms++;
      return { ok: true };
    },
  };
}
