import type { Assessment, JsonPatchOp } from '../domain/assessment.js';
import type { Action } from '../domain/decision.js';
import { evidenceNeeded } from '../domain/evidence.js';
import { assessRaw } from '../domain/snapshot.js';
import type { ClusterPort, RawSnapshot, RemoveOutcome, WorkflowKey } from '../kube/port.js';
import { snapshotDigest } from './digest.js';
import { assertPlannedPatch } from './patch-guard.js';

/** What this invocation may do: `apply` patches, the others only say what would happen. */
export type Act = 'apply' | 'dry-run' | 'notify-only';

/** The evidence bundle and intent record stored before an act (README "Audit log", 4.7). */
export interface StoredEvidence {
  evidenceKey: string;
  evidenceSha256: string;
  intentKey: string;
}

/** A removal about to be sent: what the step before it needs to build the bundle and the intent record. */
export interface PlannedRemoval {
  raw: RawSnapshot;
  assessment: Assessment;
  snapshotDigest: string;
  patch: JsonPatchOp[];
  /** The outcome the decision will carry if the PATCH succeeds. */
  outcome: string;
}

/**
 * Runs before every PATCH and must store the evidence bundle and then the intent record (src/evidence
 * `evidenceFirst`). Throwing stops the act: no PATCH is sent and the error reaches the caller.
 */
export type BeforeAct = (plan: PlannedRemoval) => Promise<StoredEvidence>;

export interface ReconcileOptions {
  now: () => Date;
  quietPeriodMs: number;
  act: Act;
  /** The cluster's configured Argo version (reasons only). */
  argoVersion?: string | undefined;
  /** Required with `act: 'apply'` (invariant 9: no destructive action without its evidence and intent). */
  beforeAct?: BeforeAct;
}

/** `apply` without the evidence step: a wiring bug, refused before anything is read. */
export class MissingEvidenceStepError extends Error {
  override readonly name = 'MissingEvidenceStepError';
}

/** Outcome strings, stable so that audit queries and dashboards can group on them. */
export const Outcome = {
  patched: 'patched',
  patchedAfterReassess: 'patched-after-reassess',
  alreadyGone: 'already-gone',
  changedReassessed: 'changed-reassessed',
  goneOnReread: 'finalizer-gone-on-reread',
  /** Our PATCH was retried after an answer was lost; the retry's 422/404 and the re-read show it was applied. */
  confirmedOnReread: 'removed-confirmed-on-reread',
  /** A redelivery found the finalizer (or the Workflow) gone and an intent record without its final record. */
  recoveredFromIntent: 'removed-recovered-from-intent',
  dryRun: 'dry-run',
  notifyOnly: 'policy: notify-only',
  needsHuman: 'needs-human',
  waiting: 'waiting',
  ignored: 'ignored',
  noPatchPlanned: 'no-patch-planned',
  conflictTwice: 'conflict-twice',
} as const;

export interface ReconcileResult {
  /** Always set, even when the Workflow was gone before it could be read. */
  workflow: WorkflowKey & { uid?: string };
  /** The assessment the action was taken on; null when the Workflow no longer existed when read. */
  assessment: Assessment | null;
  action: Action;
  outcome: string;
  /** HTTP status of the PATCH, when one was sent. */
  apiStatus?: number;
  /** The exact patch sent, for the audit record. */
  patchSent?: JsonPatchOp[];
  /** sha256 of the canonical JSON of the raw snapshot the final assessment was made on. */
  snapshotDigest?: string;
  /** Set when a PATCH was about to be sent: the bundle and intent stored first. */
  evidence?: StoredEvidence;
}

/**
 * Two conflicting writes in a row: someone else keeps changing the Workflow. Nothing was forced; the caller
 * retries later (the Lambda reports it as a batch item failure).
 */
export class ReconcileConflictError extends Error {
  override readonly name = 'ReconcileConflictError';
  readonly retryable = true;
  readonly outcome = Outcome.conflictTwice;
  constructor(
    readonly result: ReconcileResult,
    detail: string,
  ) {
    super(`${result.workflow.namespace}/${result.workflow.name}: the Workflow changed under two patches in a row (${detail}); retry later`);
  }
}

/**
 * Reads the live Workflow, assesses it and acts on the verdict. A patch that fails its `test` (the object
 * changed since it was read) leads to one fresh read and one new assessment, acted on once more; a second
 * conflict is an error, never a forced write. Only the patch the assessment planned is ever sent.
 */
export async function reconcile(port: ClusterPort, key: WorkflowKey, opts: ReconcileOptions): Promise<ReconcileResult> {
  if (opts.act === 'apply' && !opts.beforeAct) throw new MissingEvidenceStepError('refusing to apply: no evidence step (bundle and intent record) was wired');
  const first = await read(port, key, opts);
  if (!first) return { workflow: { ...key }, assessment: null, action: 'none', outcome: Outcome.alreadyGone };
  if (!(opts.act === 'apply' && first.assessment.verdict === 'remove')) return withoutPatch(first, opts.act);

  const sent = await send(port, key, first, opts);
  if (sent.outcome?.kind !== 'conflict') return sent.result;
  // More than one PATCH went out: an earlier one may have been applied and its answer lost (drop, 504, hang).
  const maybeApplied = (sent.outcome.attempts ?? 1) > 1;

  const second = await read(port, key, opts);
  if (!second) {
    if (maybeApplied) return confirmed(sent.result, sent.outcome.status);
    return { ...resultOf(first), action: 'none', outcome: Outcome.alreadyGone, apiStatus: sent.outcome.status };
  }
  if (second.assessment.verdict !== 'remove') {
    // The finalizer already gone from the same object. After a retried PATCH, that is our own removal whose
    // answer was lost: the decision is the one planned (its orphans, notifyOperator), confirmed on the re-read.
    // After a single refused PATCH, someone else (the controller) removed it: say so, never claim it.
    const gone = second.assessment.cause === 'no-finalizer' && second.assessment.workflow.uid === first.assessment.workflow.uid;
    if (gone && maybeApplied) return confirmed(sent.result, sent.outcome.status);
    return { ...withoutPatch(second, opts.act), outcome: gone ? Outcome.goneOnReread : Outcome.changedReassessed, apiStatus: sent.outcome.status };
  }
  const resent = await send(port, key, second, opts, Outcome.patchedAfterReassess);
  if (resent.outcome?.kind === 'conflict') throw new ReconcileConflictError(resent.result, `HTTP ${resent.outcome.status}`);
  return resent.result;
}

interface Read {
  raw: RawSnapshot;
  assessment: Assessment;
  digest: string;
}

async function read(port: ClusterPort, key: WorkflowKey, opts: ReconcileOptions): Promise<Read | null> {
  const raw = await port.snapshot(key, { needs: evidenceNeeded });
  if (!raw) return null;
  return { raw, assessment: assessRaw(raw, { now: opts.now(), quietPeriodMs: opts.quietPeriodMs, argoVersion: opts.argoVersion }), digest: snapshotDigest(raw) };
}

function resultOf(read: Read): Omit<ReconcileResult, 'action' | 'outcome'> {
  const { workflow } = read.assessment;
  return {
    workflow: { namespace: workflow.namespace, name: workflow.name, ...(workflow.uid ? { uid: workflow.uid } : {}) },
    assessment: read.assessment,
    snapshotDigest: read.digest,
  };
}

function withoutPatch(read: Read, act: Act): ReconcileResult {
  const base = resultOf(read);
  switch (read.assessment.verdict) {
    case 'remove':
      if (act === 'notify-only') return { ...base, action: 'notified', outcome: Outcome.notifyOnly };
      return { ...base, action: 'would-remove', outcome: Outcome.dryRun };
    case 'notify':
      // The notifying itself happens downstream (the decision event's consumers).
      return { ...base, action: 'notified', outcome: Outcome.needsHuman };
    case 'wait':
      return { ...base, action: 'none', outcome: Outcome.waiting };
    case 'ignore':
      return { ...base, action: 'none', outcome: Outcome.ignored };
  }
}

async function send(
  port: ClusterPort,
  key: WorkflowKey,
  read: Read,
  opts: ReconcileOptions,
  patchedOutcome: string = Outcome.patched,
): Promise<{ result: ReconcileResult; outcome?: RemoveOutcome }> {
  const base = resultOf(read);
  const patch = read.assessment.patch;
  if (!patch) return { result: { ...base, action: 'none', outcome: Outcome.noPatchPlanned } };
  assertPlannedPatch(patch, read.assessment.workflow.uid);
  // Bundle, then intent, then the PATCH: if either write fails this throws and nothing is sent.
  const evidence = await opts.beforeAct!({ raw: read.raw, assessment: read.assessment, snapshotDigest: read.digest, patch, outcome: patchedOutcome });
  const outcome = await port.removeFinalizer(key, patch);
  const sent = { ...base, apiStatus: outcome.status, patchSent: patch, evidence };
  switch (outcome.kind) {
    case 'patched':
      return { result: { ...sent, action: 'removed', outcome: patchedOutcome }, outcome };
    case 'gone':
      // A retried PATCH answered 404: our earlier try let a terminating Workflow go (its last finalizer).
      if ((outcome.attempts ?? 1) > 1) return { result: confirmed({ ...sent, action: 'none', outcome: Outcome.alreadyGone }, outcome.status), outcome };
      return { result: { ...sent, action: 'none', outcome: Outcome.alreadyGone }, outcome };
    case 'conflict':
      return { result: { ...sent, action: 'none', outcome: Outcome.conflictTwice }, outcome };
  }
}

/** The planned removal, as applied: its assessment, patch and evidence, with the status the retry got. */
function confirmed(sent: ReconcileResult, apiStatus: number): ReconcileResult {
  return { ...sent, action: 'removed', outcome: Outcome.confirmedOnReread, apiStatus };
}

/** True for failures the caller should retry later (SQS redelivery): transient API errors and double conflicts. */
export function isRetryable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true;
}
