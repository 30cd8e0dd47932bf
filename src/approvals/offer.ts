import { finishingPolicyFor } from '../config/finishing-policy.js';
import type { RemediatorConfig } from '../config/schema.js';
import { allowance } from '../domain/allow-list.js';
import type { ApprovalAction, OfferPolicy } from '../domain/approval.js';
import type { Assessment } from '../domain/assessment.js';
import { formatRearm, REARM_ANNOTATION } from '../domain/rearm.js';
import { planFinishing } from '../finishing/plan.js';

/** What an approved completion would delete, for its confirm dialog. */
export interface CompletionScope {
  /** Pending artifacts stored as one object each. */
  objects: number;
  /** Pending artifacts stored as a key prefix (a directory): everything under each is deleted. */
  prefixes: number;
  /** Pending artifacts that were never uploaded: nothing to delete. */
  neverUploaded: number;
  /** The allow-listed `s3://bucket/prefix/` locations they lie under, each once. */
  where: string[];
}

/** The buttons' policy for one Workflow, and what the destructive ones would touch. */
export interface ApprovalOffer extends OfferPolicy {
  rearm?: { attempt: number; maxAttempts: number; strategies: string[] };
  complete?: CompletionScope;
}

/**
 * The one place that decides what a click may do for one Workflow (README "Approvals from Slack"): notify offers
 * buttons by it, evaluate judges each approval by it again on the live state. Re-arm and completion follow the
 * finishing policy exactly as an approved run applies it (`finishingPolicyFor` with the action approved, then
 * `planFinishing`): offered only when the action is not `off` for the namespace, the Workflow is eligible (cause,
 * GC pods, attempts left; for completion every pending artifact in an allow-listed AWS S3 bucket and prefix), and
 * the cluster's mode lets it write. `whole: false` says the pending list was trimmed to fit an event: completion
 * is then not offered, since only a whole list can show every artifact allow-listed. `finishing: false` (evaluate
 * without finishing wiring) offers neither. Pure.
 */
export function approvalOffer(
  config: RemediatorConfig,
  actions: ReadonlySet<ApprovalAction>,
  cluster: string,
  state: Assessment,
  o: { whole?: boolean; finishing?: boolean } = {},
): ApprovalOffer {
  // `finishing: false`: this deployment has no finishing wiring, so neither action could run.
  const wanted = new Set((['rearm', 'complete'] as const).filter((a) => actions.has(a) && o.finishing !== false));
  if (wanted.size === 0) return { allowed: actions };
  const policy = finishingPolicyFor(config, cluster, state.workflow.namespace, { approved: wanted });
  const plan = planFinishing(state, metadataOf(state), policy);
  const rearm = wanted.has('rearm') && plan.offers.rearm.applies && plan.rearm !== undefined;
  const complete = wanted.has('complete') && plan.offers.complete.applies && o.whole !== false;
  return {
    allowed: actions,
    finishing: { rearm, complete },
    ...(rearm ? { rearm: { attempt: plan.rearm!.attempt, maxAttempts: plan.rearm!.maxAttempts, strategies: plan.rearm!.strategies } } : {}),
    ...(complete ? { complete: completionScope(state, policy.buckets) } : {}),
  };
}

/** The parts of the Workflow's metadata the plan reads, as the assessment recorded them (the same on both sides). */
function metadataOf(state: Assessment) {
  const e = state.evidence;
  return {
    metadata: {
      name: state.workflow.name,
      ...(e.deletionTimestamp ? { deletionTimestamp: e.deletionTimestamp } : {}),
      ...(e.rearm ? { annotations: { [REARM_ANNOTATION]: formatRearm(e.rearm) } } : {}),
    },
  };
}

function completionScope(state: Assessment, buckets: Parameters<typeof allowance>[2]): CompletionScope {
  const wf = { name: state.workflow.name, uid: state.workflow.uid };
  const scope: CompletionScope = { objects: 0, prefixes: 0, neverUploaded: 0, where: [] };
  for (const a of state.pendingArtifacts) {
    if (a.neverUploaded) {
      scope.neverUploaded++;
      continue;
    }
    const r = allowance(a.storage, wf, buckets);
    if (!r.allowed) continue;
    if (r.key.endsWith('/')) scope.prefixes++;
    else scope.objects++;
    const at = `s3://${r.bucket}/${r.prefix}`;
    if (!scope.where.includes(at)) scope.where.push(at);
  }
  return scope;
}
