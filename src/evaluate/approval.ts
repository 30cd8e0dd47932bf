import type { ApprovalMessage } from '../approvals/message.js';
import { approvalOffer } from '../approvals/offer.js';
import { type ApprovalSettings, responseUrlAllowed } from '../approvals/settings.js';
import type { ApprovalStore } from '../approvals/store.js';
import type { EventPublisher } from '../bus/entry.js';
import type { RemediatorConfig } from '../config/schema.js';
import { policyFor } from '../config/policy.js';
import { ACTION_LABELS, type ApprovalAction, type ApprovalEvent, approvalEventId, approvalGate, type Approver, type ButtonClaim, type GateResult } from '../domain/approval.js';
import { APPROVAL_OUTCOME_DETAIL_TYPE } from '../domain/alerts.js';
import type { Assessment } from '../domain/assessment.js';
import { verifyButtonValue } from '../domain/button-value.js';
import { DECISION_SOURCE, type Decision } from '../domain/decision.js';
import { planFinalizerRemoval } from '../domain/patch.js';
import { evidenceNeeded } from '../domain/evidence.js';
import { assessRaw } from '../domain/snapshot.js';
import type { ClusterPort, GcWritePort } from '../kube/port.js';
import { DEFAULT_EPISODE_TTL_SECONDS, type EpisodeStore, episodeKey } from '../notify/episodes.js';
import { clip, code, esc } from '../notify/mrkdwn.js';
import type { SlackPoster } from '../notify/slack-client.js';
import type { SlackMessage } from '../notify/slack-message.js';
import { type Counter, type Log, silentLog } from '../observability/log.js';
import { redact, registerSecret } from '../observability/redact.js';
import { snapshotDigest } from '../remediation/digest.js';
import { assertPlannedPatch } from '../remediation/patch-guard.js';
import type { SignalQueue } from '../queue/signal-queue.js';
import { decisionEntry, toDecision } from './decision.js';
import { pendingDecisionMessage } from './outbox.js';
import { evidenceFirst } from '../evidence/before-act.js';
import type { EvidenceSink } from '../evidence/sink.js';
import { finishingPolicyFor } from '../config/finishing-policy.js';
import { afterFinishing, countFinishing, type FinishingBudgets, type FinishingWiring } from '../finishing/after-notify.js';
import { FinishingOutcome, type FinishingResult, runFinishing } from '../finishing/run.js';

/** Slack honours a response_url for 30 minutes after the click; after that a new message is posted instead. */
export const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;
const SNOOZE_SECONDS = 24 * 3600;

export interface ApprovalRuntime {
  settings: ApprovalSettings;
  store: ApprovalStore;
  episodes: EpisodeStore;
  /** Posts to a click's response_url (replace_original). */
  respond: (responseUrl: string, message: SlackMessage) => Promise<void>;
  /** The channel's webhook, for the new line once a response_url has expired. */
  webhook?: SlackPoster;
}

export interface ApprovalContext {
  config: RemediatorConfig;
  portFor(cluster: string): ClusterPort;
  publisher: EventPublisher;
  /** Where a decision the bus refused is parked, as evaluate parks its own (invariant 5). */
  queue: SignalQueue;
  approvals: ApprovalRuntime;
  /** Where the evidence bundle and intent record go before an approved removal (invariant 9). */
  evidence: EvidenceSink;
  /**
   * Finishing GC (README "Finishing GC"): an approved Retry GC or Complete from AWS runs `runFinishing` with these
   * (the buckets, the daily caps) and this invocation's caps; without them those approvals are "not available".
   */
  finishing?: { wiring: FinishingWiring; budgets: FinishingBudgets } | undefined;
  clock: () => Date;
  log?: Log;
  metrics?: Counter;
}

export interface ApprovalReport {
  outcome: ApprovalEvent['outcome'] | 'ignored';
  code: string;
  reason: string;
  claim?: ButtonClaim;
  decision?: Decision;
}

/**
 * evaluate's side of an approval (README "Approvals from Slack"): check the value again, re-read the live Workflow, judge it by
 * the gate of invariant 11, claim the (decision, action) write-once, act, audit, and tell Slack. Throws only for
 * what a redelivery can fix (the cluster or S3 unreachable before the claim).
 */
export async function handleApproval(msg: ApprovalMessage, ctx: ApprovalContext): Promise<ApprovalReport> {
  const log = ctx.log ?? silentLog;
  const a = ctx.approvals;
  if (msg.responseUrl) registerSecret(msg.responseUrl);
  const clickedAt = Math.max(...msg.approvers.map((x) => Date.parse(x.at)));
  // Expiry is judged at the click, so a message that waited in the queue is not refused for the wait.
  const checked = verifyButtonValue(msg.value, a.settings.buttonKeys, clickedAt);
  if (!checked.ok && !checked.claim) {
    // Not signed by us: someone with queue access, not Slack. Nothing is answered on its response_url.
    const reason = `refused on the queue: ${checked.reason}`;
    await publishOutcome(ctx, { id: approvalEventId('queue-refused', msg.value), outcome: 'refused', code: 'invalid-signature', reason, users: users(msg.approvers), at: ctx.clock().toISOString() });
    log.warn('approval refused', { code: 'invalid-signature' });
    return { outcome: 'refused', code: 'invalid-signature', reason };
  }
  const claim = checked.ok ? checked.claim : checked.claim!;
  // Approvers count only as the store holds them: a queue message cannot add one.
  const stored = await a.store.list(claim);
  const named = new Set(msg.approvers.map((x) => x.id));
  const approvers = stored.map((s) => s.approver).filter((x) => named.has(x.id));
  const alreadyActed = (await a.store.getOutcome(claim)) !== undefined;

  const key = { namespace: claim.ns, name: claim.n };
  const policy = policyFor(ctx.config, claim.c, claim.ns);
  let assessment: Assessment | undefined;
  let raw: Awaited<ReturnType<ClusterPort['snapshot']>> = null;
  if (policy.included && !alreadyActed) {
    raw = await ctx.portFor(claim.c).snapshot(key, { needs: evidenceNeeded });
    if (raw) assessment = assessRaw(raw, { now: ctx.clock(), quietPeriodMs: policy.quietPeriodMs });
  }
  const gate: GateResult = checked.ok
    ? approvalGate({
        claim,
        signatureValid: true,
        approvers: approvers.length > 0 ? approvers : msg.approvers,
        allowedUsers: approvers.length > 0 ? a.settings.approvers : new Set(),
        twoPersonRules: a.settings.twoPersonRules,
        live: assessment ? { ...assessment, uid: assessment.workflow.uid } : undefined,
        // The same function notify chose the buttons by, on the live state (src/approvals/offer.ts); a re-arm or a
        // completion needs this deployment's finishing wiring too.
        policy: assessment ? approvalOffer(ctx.config, a.settings.actions, claim.c, assessment, { finishing: ctx.finishing !== undefined }) : { allowed: a.settings.actions },
        alreadyActed,
      })
    : { act: false, code: 'expired', reason: checked.reason };
  const who = approvers.length > 0 ? approvers : msg.approvers;
  if (!policy.included && gate.act) return finishRefusal(ctx, msg, claim, who, { code: 'not-allowed', reason: `out of scope: ${policy.reason}` });
  if (!gate.act) {
    if (gate.code === 'already-done') {
      log.info('approval already handled', { action: claim.act, decisionId: claim.d });
      return { outcome: 'ignored', code: gate.code, reason: gate.reason, claim };
    }
    if (gate.code === 'awaiting-second-approver') return { outcome: 'ignored', code: gate.code, reason: gate.reason, claim };
    return finishRefusal(ctx, msg, claim, who, gate);
  }

  // At most once: the (decision, action) is claimed before anything is done; a redelivery finds the claim.
  const won = await a.store.putOutcome({ schemaVersion: 1, claim, outcome: outcomeOf(claim.act), reason: 'approved; acting', approvers: who, at: ctx.clock().toISOString() });
  if (won === 'duplicate') return { outcome: 'ignored', code: 'already-done', reason: 'handled by another delivery', claim };

  let result: { outcome: ApprovalEvent['outcome']; code: string; text: string; decision?: Decision };
  try {
    result = await act(claim, who, assessment!, raw!, ctx);
  } catch (err) {
    const e = err as Error;
    log.error('approved action failed', { action: claim.act, decisionId: claim.d, errorName: e.name, error: e.message });
    result = { outcome: 'not-done', code: 'failed', text: `failed: ${e.message.slice(0, 300)}` };
  }
  const reason = `${ACTION_LABELS[claim.act]} approved by ${names(who)}: ${result.text}`;
  await publishOutcome(ctx, {
    id: approvalEventId('outcome', claim.d, claim.act),
    outcome: result.outcome,
    code: result.code,
    reason,
    cluster: claim.c,
    claim,
    users: users(who),
    ...(result.decision ? { resultDecisionId: result.decision.decisionId } : {}),
    at: ctx.clock().toISOString(),
  });
  await tellSlack(ctx, msg, clickedAt, claim, who, `${ACTION_LABELS[claim.act]} approved by`, `at ${new Date(clickedAt).toISOString()}; ${result.text}`, result.outcome === 'not-done');
  log.info('approval handled', { action: claim.act, decisionId: claim.d, outcome: result.outcome, code: result.code });
  return { outcome: result.outcome, code: result.code, reason, claim, ...(result.decision ? { decision: result.decision } : {}) };
}

/** What one approved action did, as the approval event and the replaced message report it. */
type ActResult = { outcome: ApprovalEvent['outcome']; code: string; text: string; decision?: Decision };
/** The Workflow and its GC machinery as just re-read for the click. */
type LiveSnapshot = NonNullable<Awaited<ReturnType<ClusterPort['snapshot']>>>;

function outcomeOf(act: ApprovalAction): 'acted' | 'denied' | 'snoozed' {
  return act === 'deny' ? 'denied' : act === 'snooze' ? 'snoozed' : 'acted';
}

async function act(
  claim: ButtonClaim,
  who: Approver[],
  assessment: Assessment,
  raw: LiveSnapshot,
  ctx: ApprovalContext,
): Promise<ActResult> {
  const a = ctx.approvals;
  const episode = episodeKey({ cluster: claim.c, workflow: { namespace: claim.ns, name: claim.n, uid: claim.uid }, cause: assessment.cause });
  switch (claim.act) {
    case 'snooze':
      // Silence only: the episode marker says "already announced" for 24 h. Nothing is written to the cluster.
      await a.episodes.confirm(episode, SNOOZE_SECONDS);
      return { outcome: 'snoozed', code: 'ok', text: `silenced for 24h` };
    case 'deny':
      await a.episodes.confirm(episode, DEFAULT_EPISODE_TTL_SECONDS);
      return { outcome: 'denied', code: 'ok', text: `left as it is; silenced for ${DEFAULT_EPISODE_TTL_SECONDS / 86_400}d` };
    case 'remove':
      return removeAnyway(claim, who, assessment, raw, ctx);
    case 'rearm':
    case 'complete':
      return finishApproved(claim.act, claim, who, assessment, ctx);
  }
}

/**
 * An approved Retry GC or Complete from AWS: the finishing use case on the live Workflow, under the namespace's
 * finishing policy with this approval in hand (an `off` action stays off), with the invocation's caps, the daily
 * ledger, and the evidence bundle and intent record before anything destructive, as in auto mode. The decision
 * it leads to is published (or parked) like any other, with `approvedBy`.
 */
async function finishApproved(
  action: 'rearm' | 'complete',
  claim: ButtonClaim,
  who: Approver[],
  assessment: Assessment,
  ctx: ApprovalContext,
): Promise<ActResult> {
  const port = ctx.portFor(claim.c) as ClusterPort & Partial<GcWritePort>;
  if (!ctx.finishing || !port.patchWorkflow || !port.deleteGcTask || !port.podExists) {
    return { outcome: 'not-done', code: 'unavailable', text: `not done: ${ACTION_LABELS[action]} is not available in this deployment` };
  }
  const key = { namespace: claim.ns, name: claim.n };
  const base = policyFor(ctx.config, claim.c, claim.ns);
  const policy = finishingPolicyFor(ctx.config, claim.c, claim.ns, { approved: new Set([action]) });
  const result = await runFinishing(action, key, { cluster: claim.c, policy, quietPeriodMs: base.quietPeriodMs }, {
    cluster: port as ClusterPort & GcWritePort,
    bucket: ctx.finishing.wiring.bucket,
    evidence: { sink: ctx.evidence, ...(ctx.log ? { log: ctx.log } : {}) },
    budget: ctx.finishing.budgets.for(claim.c, claim.ns),
    ledger: ctx.finishing.wiring.ledger,
    clock: ctx.clock,
  });
  if (ctx.metrics) countFinishing(ctx.metrics, claim.c, result);
  const done = afterFinishing(result, assessment);
  const decision = withApproval(
    toDecision(
      { workflow: { ...done.assessment.workflow }, assessment: done.assessment, action: done.action, outcome: done.outcome, ...(done.apiStatus !== undefined ? { apiStatus: done.apiStatus } : {}), ...(done.evidence ? { evidence: done.evidence } : {}) },
      { cluster: claim.c, mode: base.mode, signal: undefined, at: ctx.clock() },
    ),
    who,
  );
  decision.finishing = redact(done.report);
  await publishDecision(ctx, decision);
  return { outcome: result.applied ? 'acted' : 'not-done', code: result.applied ? 'ok' : 'not-applied', text: finishedText(result), decision };
}

/** The line Slack shows: "GC re-armed (attempt 1 of 2)", "deleted 3 object(s) (1.2 KiB); artifacts marked deleted". */
function finishedText(r: FinishingResult): string {
  const why = r.reasons.length > 0 ? ` (${clip(r.reasons[r.reasons.length - 1]!, 200)})` : '';
  if (!r.applied) return `not done: ${r.outcome}${why}`;
  if (r.outcome === FinishingOutcome.rearmed && r.rearm) return `GC re-armed (attempt ${r.rearm.attempt}; task(s) deleted: ${r.rearm.tasksDeleted.length}); Argo's controller runs GC again`;
  const deleted = r.deleted ? `deleted ${r.deleted.length} object(s), ${r.deleted.reduce((n, d) => n + d.size, 0)} byte(s); ` : '';
  return `${deleted}${r.outcome}${r.retryable ? why : ''}`;
}

/** A decision that acted must reach the audit: what the bus refuses is parked for the next invocation. */
async function publishDecision(ctx: ApprovalContext, decision: Decision): Promise<void> {
  try {
    await ctx.publisher.publish([decisionEntry(decision)]);
  } catch {
    await ctx.queue.send([{ body: pendingDecisionMessage(decision), delaySeconds: 30 }]);
  }
}

/**
 * Remove anyway (README "Finishing GC"): the narrow patch, on the state just judged; a `test` that fails (the Workflow
 * changed since the re-read) is not retried: the human approved that state, not the new one.
 */
async function removeAnyway(
  claim: ButtonClaim,
  who: Approver[],
  assessment: Assessment,
  raw: LiveSnapshot,
  ctx: ApprovalContext,
): Promise<ActResult> {
  const meta = (raw.workflow['metadata'] ?? {}) as { uid?: string; finalizers?: string[] };
  const patch = planFinalizerRemoval(meta);
  if (!patch) return { outcome: 'not-done', code: 'no-patch', text: 'not done: the finalizer is no longer there' };
  assertPlannedPatch(patch, assessment.workflow.uid);
  const mode = policyFor(ctx.config, claim.c, claim.ns).mode;
  const port = ctx.portFor(claim.c);
  // Invariant 9: the bundle, then the intent record, then the PATCH. A failure to store either throws, so the
  // record is redelivered and nothing is patched.
  const planned = withApproval(
    toDecision({ workflow: { ...assessment.workflow }, assessment: { ...assessment, patch }, action: 'removed', outcome: 'approved removal: patched', snapshotDigest: snapshotDigest(raw) }, { cluster: claim.c, mode, signal: undefined, at: ctx.clock() }),
    who,
  );
  const evidence = await evidenceFirst(
    { reads: port, sink: ctx.evidence, now: ctx.clock, ...(ctx.log ? { log: ctx.log } : {}) },
    { decision: planned, assessment: { ...assessment, patch }, raw, action: { kind: 'remove-finalizer', patch } },
  );
  const sent = await port.removeFinalizer({ namespace: claim.ns, name: claim.n }, patch);
  const action = sent.kind === 'patched' ? 'removed' : 'none';
  const outcome = sent.kind === 'patched' ? 'approved removal: patched' : sent.kind === 'gone' ? 'approved removal: already gone' : 'approved removal: the Workflow changed (test failed), not forced';
  const decision = withApproval(
    toDecision(
      { workflow: { ...assessment.workflow }, assessment: { ...assessment, patch }, action, outcome, apiStatus: sent.status, snapshotDigest: snapshotDigest(raw), evidence: { evidenceKey: evidence.evidenceKey, evidenceSha256: evidence.evidenceSha256, intentKey: evidence.intentKey } },
      { cluster: claim.c, mode, signal: undefined, at: ctx.clock(), outcome },
    ),
    who,
  );
  await publishDecision(ctx, decision);
  const orphans = assessment.pendingArtifacts.length;
  if (sent.kind === 'patched') return { outcome: 'acted', code: 'ok', text: `finalizer removed${orphans > 0 ? `; ${orphans} artifact(s) orphaned (listed in the audit record)` : ''}`, decision };
  return { outcome: 'not-done', code: sent.kind, text: sent.kind === 'gone' ? 'not done: the Workflow is gone' : 'not done: the Workflow changed while it was being patched', decision };
}

function withApproval(d: Decision, who: Approver[]): Decision {
  return { ...d, approvedBy: who.map((w) => ({ id: w.id, ...(w.name ? { name: w.name } : {}), at: w.at })) };
}

async function finishRefusal(ctx: ApprovalContext, msg: ApprovalMessage, claim: ButtonClaim, who: Approver[], why: { code: string; reason: string }): Promise<ApprovalReport> {
  // Claimed too, so a redelivery does not post "not done" twice; a new notify carries new buttons.
  await ctx.approvals.store.putOutcome({ schemaVersion: 1, claim, outcome: 'not-done', reason: why.reason, approvers: who, at: ctx.clock().toISOString() });
  const reason = `Not done: ${why.reason}`;
  await publishOutcome(ctx, { id: approvalEventId('outcome', claim.d, claim.act), outcome: 'not-done', code: why.code, reason, cluster: claim.c, claim, users: users(who), at: ctx.clock().toISOString() });
  const clickedAt = Math.max(...msg.approvers.map((x) => Date.parse(x.at)));
  await tellSlack(ctx, msg, clickedAt, claim, who, `${ACTION_LABELS[claim.act]} by`, `: ${reason}`, true);
  (ctx.log ?? silentLog).info('approval not acted on', { action: claim.act, decisionId: claim.d, code: why.code, reason: why.reason });
  return { outcome: 'not-done', code: why.code, reason, claim };
}

async function publishOutcome(ctx: ApprovalContext, event: ApprovalEvent): Promise<void> {
  await ctx.publisher.publish([{ source: DECISION_SOURCE, detailType: APPROVAL_OUTCOME_DETAIL_TYPE, detail: event, resources: event.claim ? [`workflow/${event.claim.c}/${event.claim.ns}/${event.claim.n}`] : [] }]);
}

/**
 * The original message is replaced through its response_url while Slack still honours it (and only on an
 * allowed origin); later, a new line goes to the channel. A failure to tell Slack is logged: the outcome is
 * already audited and must not be redone.
 */
async function tellSlack(
  ctx: ApprovalContext,
  msg: ApprovalMessage,
  clickedAt: number,
  claim: ButtonClaim,
  who: readonly Approver[],
  lead: string,
  rest: string,
  failed: boolean,
): Promise<void> {
  const a = ctx.approvals;
  const line = `${esc(lead)} ${who.map((w) => `<@${w.id}>`).join(' and ')}${rest.startsWith(':') ? '' : ' '}${esc(clip(rest, 2500))}`;
  const message: SlackMessage = {
    text: clip(`[${claim.c}] ${claim.ns}/${claim.n}: ${lead} ${names(who)}${rest.startsWith(':') ? '' : ' '}${rest}`, 2900),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${failed ? ':no_entry_sign:' : ':white_check_mark:'} *${esc(claim.ns)}/${esc(claim.n)}* on ${code(claim.c)} (${code(claim.cause)})\n${line}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `decision ${code(claim.d)} · action ${esc(claim.act)}` }] },
    ],
  };
  const fresh = ctx.clock().getTime() - clickedAt < RESPONSE_URL_LIFETIME_MS;
  try {
    if (msg.responseUrl && fresh && responseUrlAllowed(msg.responseUrl, a.settings.responseUrlOrigins)) {
      await a.respond(msg.responseUrl, { ...message, replace_original: true });
    } else if (a.webhook) {
      await a.webhook.post(message);
    }
  } catch (err) {
    (ctx.log ?? silentLog).warn('could not tell Slack about the approval', { action: claim.act, decisionId: claim.d, errorName: (err as Error).name, error: (err as Error).message });
  }
}

const users = (who: readonly Approver[]) => who.map((w) => ({ id: w.id, ...(w.name ? { name: w.name } : {}) }));
const names = (who: readonly Approver[]) => who.map((w) => w.name ?? w.id).join(' and ');
