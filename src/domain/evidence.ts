import { assess } from './assess.js';
import type { Cause } from './assessment.js';
import { Workflow } from './objects.js';

export interface EvidenceNeeds {
  pods: boolean;
  tasks: boolean;
}

/** Rows 1-5 of the decision table read the Workflow alone. */
const DECIDED_BY_WORKFLOW: ReadonlySet<Cause> = new Set(['no-finalizer', 'opted-out', 'workflow-not-finished', 'nodes-unavailable', 'awaiting-deletion']);

/**
 * Which GC evidence the assessment of this Workflow will read, decided from the Workflow alone, so a
 * snapshot lists only what can change the verdict: nothing when rows 1-5 decide; GC pods whenever the
 * quiet period is judged; GC tasks only when artifacts are pending (rows 9, 11 and 12 are the only ones
 * reading them). Proven equivalent to the full snapshot by a property test.
 */
export function evidenceNeeded(raw: unknown): EvidenceNeeds {
  const parsed = Workflow.safeParse(raw);
  // An unreadable object fails assessment with its own message; listing changes nothing about that.
  if (!parsed.success) return { pods: false, tasks: false };
  const alone = assess({ workflow: parsed.data, pods: [], tasks: [] }, { now: new Date(0), quietPeriodMs: 0 });
  if (DECIDED_BY_WORKFLOW.has(alone.cause)) return { pods: false, tasks: false };
  return { pods: true, tasks: alone.pendingArtifacts.length > 0 };
}
