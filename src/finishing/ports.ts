import type { FinishingAction } from '../config/finishing.js';
import type { Assessment } from '../domain/assessment.js';
import type { RawSnapshot, WorkflowKey } from '../kube/port.js';

/**
 * What must be durable before finishing destroys anything (README "Audit log", 4.7; invariant 9): the evidence bundle
 * and the intent record. `record` resolves only once both are stored; if it throws, nothing is done and the record
 * fails (retried, then the DLQ). The evidence sink of issue 12 is the production adapter.
 */
export interface FinishingIntent {
  cluster: string;
  decisionId: string;
  action: FinishingAction | 'remove';
  workflow: WorkflowKey & { uid?: string | undefined };
  assessment: Assessment;
  snapshot: RawSnapshot;
  /** Exactly what is about to happen: keys to delete, tasks to delete, the patch. */
  planned: Record<string, unknown>;
}

export interface BeforeDestructive {
  record(intent: FinishingIntent): Promise<{ evidenceKey?: string; evidenceSha256?: string; intentKey?: string }>;
}

/**
 * Caps (invariant 7): what this invocation may still spend, shared across Workflows; and, optionally, the daily
 * ledger per cluster. `take` reserves or refuses whole: a completion that does not fit deletes nothing.
 */
export interface FinishingBudget {
  takeObjects(objects: number, bytes: number): { ok: true } | { ok: false; reason: string };
  takeRearm(): { ok: true } | { ok: false; reason: string };
}

export interface DailyLedger {
  /** Reserves for (cluster, UTC day); idempotent per `id` (a redelivered record is not counted twice). */
  reserve(cluster: string, day: string, id: string, objects: number, bytes: number, caps: { objectsPerDay: number; bytesPerDay: number }): Promise<{ ok: true } | { ok: false; reason: string }>;
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
