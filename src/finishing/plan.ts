import type { FinishingAction } from '../config/finishing.js';
import type { FinishingPolicy } from '../config/finishing-policy.js';
import { allowance, type ArtifactStorage } from '../domain/allow-list.js';
import type { Assessment, GcStrategy } from '../domain/assessment.js';
import type { Workflow } from '../domain/objects.js';
import { readRearm, REARM_CAUSES } from '../domain/rearm.js';

export { REARM_CAUSES };

/** One finishing action as offered for one Workflow: whether it applies, and what it would do. */
export interface FinishingOffer {
  action: FinishingAction;
  /** The Workflow's state allows the action (cause, pods, allow-list, attempts). */
  eligible: boolean;
  /** The policy lets it run now (auto, or approval with an approval in hand). */
  allowed: boolean;
  /** It may write; false means it reports what it would do (dry run). */
  applies: boolean;
  reason: string;
}

export interface FinishingPlan {
  workflow: Assessment['workflow'];
  cause: Assessment['cause'];
  offers: Record<FinishingAction, FinishingOffer>;
  /** The first action that is eligible and allowed, in the order verify, complete, rearm; none when nothing is. */
  next: FinishingAction | undefined;
  /** For rearm: the strategies it would re-arm and the attempt it would be. */
  rearm?: { strategies: GcStrategy[]; attempt: number; maxAttempts: number };
}

type Pending = Assessment['pendingArtifacts'][number] & { storage?: ArtifactStorage | undefined; neverUploaded?: boolean | undefined };

/**
 * Pure. What each finishing action could do for this assessment under this policy. `nodes-unavailable` is never
 * acted on (nobody can know what is pending), nor is anything but a `notify`.
 */
export function planFinishing(assessment: Assessment, workflow: Pick<Workflow, 'metadata'>, policy: FinishingPolicy): FinishingPlan {
  const wf = { name: assessment.workflow.name, uid: assessment.workflow.uid };
  const pending = assessment.pendingArtifacts as Pending[];
  const offer = (action: FinishingAction, eligible: boolean, why: string): FinishingOffer => {
    const p = policy.actions[action];
    return { action, eligible, allowed: eligible && p.runs, applies: eligible && p.runs && p.applies, reason: eligible ? `${why}; ${p.reason}` : why };
  };
  const notify = assessment.verdict === 'notify' && assessment.cause !== 'nodes-unavailable';
  const notNotify =
    assessment.cause === 'nodes-unavailable' ? 'nodes unavailable: nobody can know what is pending' : `verdict ${assessment.verdict}: nothing to finish`;

  // verify and complete: every pending artifact is either never uploaded or in an allow-listed AWS S3 location.
  const refused = pending.flatMap((a) => {
    if (a.neverUploaded) return [];
    const r = allowance(a.storage, wf, policy.buckets);
    return r.allowed ? [] : [`${a.node}/${a.name}: ${r.reason}`];
  });
  const uploaded = pending.filter((a) => !a.neverUploaded).length;
  const bucketWhy =
    !notify ? notNotify
    : pending.length === 0 ? 'no pending artifacts'
    : refused.length > 0 ? `not every pending artifact is allow-listed (${refused.slice(0, 3).join('; ')}${refused.length > 3 ? `; +${refused.length - 3} more` : ''})`
    : `${pending.length} pending artifact(s), ${uploaded} in allow-listed buckets`;
  const bucketsOk = notify && pending.length > 0 && refused.length === 0;

  // rearm: the right cause, no GC pod running, attempts left.
  const active = assessment.evidence.pods.filter((p) => p.phase === 'Pending' || p.phase === 'Running');
  const previous = readRearm(workflow.metadata.annotations)?.count ?? 0;
  const max = policy.rearm.maxAttempts;
  const deleting = !!workflow.metadata.deletionTimestamp;
  const strategies = [...new Set(pending.map((a) => a.strategy))]
    .filter((s): s is GcStrategy => s === 'OnWorkflowCompletion' || (s === 'OnWorkflowDeletion' && deleting))
    .sort();
  const rearmWhy =
    !notify ? notNotify
    : !REARM_CAUSES.has(assessment.cause) ? `cause ${assessment.cause}: re-arming would not help`
    : active.length > 0 ? `GC pod ${active[0]!.name} is ${active[0]!.phase}`
    : previous >= max ? `re-armed ${previous} time(s) already (finishing.rearm.maxAttempts ${max})`
    : strategies.length === 0 ? 'no due strategy has pending artifacts'
    : `re-arm ${strategies.join(', ')}: attempt ${previous + 1} of ${max}`;
  const rearmOk = notify && REARM_CAUSES.has(assessment.cause) && active.length === 0 && previous < max && strategies.length > 0;

  const offers: Record<FinishingAction, FinishingOffer> = {
    verify: offer('verify', bucketsOk, bucketWhy),
    complete: offer('complete', bucketsOk && uploaded > 0, bucketsOk && uploaded === 0 ? 'nothing was ever uploaded: verify settles it' : bucketWhy),
    rearm: offer('rearm', rearmOk, rearmWhy),
  };
  const next = (['verify', 'complete', 'rearm'] as const).find((a) => offers[a].allowed);
  return {
    workflow: assessment.workflow,
    cause: assessment.cause,
    offers,
    next,
    ...(rearmOk ? { rearm: { strategies, attempt: previous + 1, maxAttempts: max } } : {}),
  };
}
