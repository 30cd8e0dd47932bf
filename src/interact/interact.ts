import { createHash } from 'node:crypto';
import { approvalMessageBody } from '../approvals/message.js';
import { type ApprovalSettings, responseUrlAllowed } from '../approvals/settings.js';
import type { ApprovalStore } from '../approvals/store.js';
import { approvalRecord } from '../audit/approval-record.js';
import type { AuditSink } from '../audit/sink.js';
import { ACTION_LABELS, type ApprovalEvent, approvalEventId, approversRequired, type ButtonClaim } from '../domain/approval.js';
import { verifyButtonValue } from '../domain/button-value.js';
import { esc } from '../notify/mrkdwn.js';
import type { SlackMessage } from '../notify/slack-message.js';
import { type Counter, type Log, noCounter, silentLog } from '../observability/log.js';
import { registerSecret } from '../observability/redact.js';
import type { SignalQueue } from '../queue/signal-queue.js';
import { parseInteraction } from './payload.js';
import { verifySlackSignature } from './slack-signature.js';

/** What a function URL delivers, reduced to what matters: headers lower-cased, the body as the URL gave it. */
export interface InteractRequest {
  method: string;
  headers: Readonly<Record<string, string | undefined>>;
  body: string | undefined;
  isBase64Encoded: boolean;
}

export interface InteractResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface InteractDeps {
  /** undefined: no Slack app configured; every request is refused (fail closed). */
  settings: ApprovalSettings | undefined;
  store: ApprovalStore;
  audit: AuditSink;
  queue: SignalQueue;
  /**
   * Posts to the click's response_url: the ephemeral line only the clicker sees ("1 of 2 approvals"). Bounded
   * by a short timeout, since Slack waits on this answer; absent, the click gets its HTTP answer only.
   */
  respond?: (responseUrl: string, message: SlackMessage) => Promise<void>;
  now?: () => number;
  log?: Log;
  metrics?: Counter;
}

/**
 * Slack's block_actions payload carries the whole message it was clicked in; ours stay under 12k characters of
 * blocks, so a body this large is not from our buttons. Checked before any hashing or decoding.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

const text = (statusCode: number, body: string): InteractResponse => ({ statusCode, headers: { 'content-type': 'text/plain; charset=utf-8' }, body });

type Refusal = { status: number; code: string; reason: string };

interface Known {
  cluster?: string;
  claim?: ButtonClaim;
  users: ApprovalEvent['users'];
  teamId?: string;
  appId?: string;
}

/**
 * The interact use case (README of this folder): verify, authorise, store the approval once, hand it to evaluate, answer
 * Slack. Every refusal gets its own HTTP status and reason, an audit record and no action. Nothing here talks to
 * a cluster: evaluate re-reads the live Workflow before anything is done.
 */
export async function handleInteraction(req: InteractRequest, deps: InteractDeps): Promise<InteractResponse> {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? silentLog;
  const metrics = deps.metrics ?? noCounter;
  const known: Known = { users: [] };

  // Set once the request is proven Slack's and from our workspace and app: only then is its response_url used.
  let tell: ((text: string) => Promise<void>) | undefined;
  const refuse = async (r: Refusal, requestDigest?: string): Promise<InteractResponse> => {
    metrics.count('InteractionsRefused', { code: r.code });
    await tell?.(`:no_entry_sign: Not done: ${esc(r.reason)}.`);
    log.warn('interaction refused', { code: r.code, reason: r.reason, status: r.status, ...(known.users[0] ? { user: known.users[0].id } : {}) });
    await audit(deps, log, {
      id: approvalEventId('refused', requestDigest, r.code),
      outcome: 'refused',
      code: r.code,
      reason: r.reason,
      httpStatus: r.status,
      ...common(known),
      ...(requestDigest ? { requestDigest } : {}),
      at: new Date(now()).toISOString(),
    });
    return text(r.status, `${r.reason}\n`);
  };

  if (req.method !== 'POST') return refuse({ status: 405, code: 'method-not-allowed', reason: 'only POST is accepted' });
  const encoded = req.body ?? '';
  // Bounded before decoding: a base64 body is a third larger than what it carries.
  const limit = req.isBase64Encoded ? Math.ceil((MAX_BODY_BYTES * 4) / 3) + 4 : MAX_BODY_BYTES;
  if (encoded.length > limit) return refuse({ status: 413, code: 'too-large', reason: `request body over ${MAX_BODY_BYTES} bytes` });
  const raw = req.isBase64Encoded ? Buffer.from(encoded, 'base64') : Buffer.from(encoded, 'utf8');
  if (raw.length > MAX_BODY_BYTES) return refuse({ status: 413, code: 'too-large', reason: `request body over ${MAX_BODY_BYTES} bytes` });
  const digest = createHash('sha256').update(raw).digest('hex');

  const settings = deps.settings;
  if (!settings) return refuse({ status: 503, code: 'not-configured', reason: 'Slack interactivity is not configured (slack.app)' }, digest);
  const sig = verifySlackSignature({
    rawBody: raw,
    timestamp: req.headers['x-slack-request-timestamp'],
    signature: req.headers['x-slack-signature'],
    secrets: settings.signingSecrets,
    nowSeconds: Math.floor(now() / 1000),
  });
  if (!sig.ok) return refuse({ status: sig.code === 'not-configured' ? 503 : 401, code: sig.code, reason: sig.reason }, digest);

  const parsed = parseInteraction(raw, req.headers['content-type']);
  if (!parsed.ok) return refuse({ status: parsed.code === 'not-form' ? 415 : 400, code: parsed.code, reason: parsed.reason }, digest);
  const p = parsed.payload;
  const name = p.user.name ?? p.user.username;
  known.users = [{ id: p.user.id, ...(name ? { name } : {}) }];
  known.appId = p.api_app_id;
  if (p.team?.id) known.teamId = p.team.id;
  const teamId = p.team?.id ?? p.user.team_id;
  if (teamId !== settings.teamId) return refuse({ status: 403, code: 'wrong-team', reason: 'the click comes from another Slack workspace' }, digest);
  if (p.api_app_id !== settings.appId) return refuse({ status: 403, code: 'wrong-app', reason: 'the click was sent for another Slack app' }, digest);
  const responseUrl = p.response_url;
  if (responseUrl && deps.respond && responseUrlAllowed(responseUrl, settings.responseUrlOrigins)) {
    registerSecret(responseUrl);
    tell = (line) => ephemeral(deps.respond!, responseUrl, line, log, metrics);
  }
  if (!settings.approvers.has(p.user.id)) return refuse({ status: 403, code: 'unauthorised', reason: `Slack user ${p.user.id} is not an approver` }, digest);

  const value = p.actions[0]!.value;
  if (value === undefined) return refuse({ status: 400, code: 'malformed', reason: 'the clicked element carries no value' }, digest);
  const checked = verifyButtonValue(value, settings.buttonKeys, now());
  if (!checked.ok) {
    if (checked.claim) known.claim = checked.claim;
    if (checked.claim) known.cluster = checked.claim.c;
    const status = checked.code === 'expired' ? 410 : checked.code === 'tampered' ? 403 : 400;
    return refuse({ status, code: checked.code === 'tampered' ? 'tampered-value' : checked.code === 'expired' ? 'expired' : 'malformed-value', reason: checked.reason }, digest);
  }
  const claim = checked.claim;
  known.claim = claim;
  known.cluster = claim.c;

  const approver = { id: p.user.id, ...(name ? { name } : {}), ...(teamId ? { teamId } : {}), at: new Date(now()).toISOString() };
  let stored: 'written' | 'duplicate';
  let approvers;
  try {
    stored = await deps.store.put({ schemaVersion: 1, claim, approver, requestDigest: digest });
    // Only allow-listed users' approvals count, whoever wrote them (a user removed from the list since).
    approvers = (await deps.store.list(claim)).map((a) => a.approver).filter((a) => settings.approvers.has(a.id));
  } catch (err) {
    log.error('approval store failed', { error: (err as Error).message, errorName: (err as Error).name });
    metrics.count('InteractionFailures', { step: 'store' });
    return text(500, 'could not record the approval; click again\n');
  }
  const label = ACTION_LABELS[claim.act];
  const required = approversRequired(claim.act, claim.pc, settings.twoPersonRules);
  const distinct = new Set(approvers.map((a) => a.id)).size;
  const what = `${label} for ${claim.ns}/${claim.n} by ${name ?? p.user.id}`;
  if (distinct < required) {
    await audit(deps, log, recorded(known, claim, digest, now, `${what}: ${distinct} of ${required} approvals; a second approver must click`, stored));
    metrics.count('ApprovalsRecorded', { action: claim.act, complete: 'no' });
    const so = approvers.map((a) => a.name ?? a.id).join(', ');
    await tell?.(
      `:hourglass_flowing_sand: ${stored === 'duplicate' ? 'Already recorded' : 'Recorded'}: your *${esc(label)}* for *${esc(`${claim.ns}/${claim.n}`)}* is ` +
        `${distinct} of ${required} approvals (so far: ${esc(so)}). Nothing is done until a second approver clicks the same button.`,
    );
    return text(200, `Recorded ${what}: ${distinct} of ${required} approvals\n`);
  }
  // A duplicate is handed over again: the first hand-over may have been lost, and evaluate acts at most once.
  try {
    await deps.queue.send([{ body: approvalMessageBody({ value, approvers, ...(p.response_url ? { responseUrl: p.response_url } : {}) }) }]);
  } catch (err) {
    log.error('approval not enqueued', { error: (err as Error).message, errorName: (err as Error).name, action: claim.act, decisionId: claim.d });
    metrics.count('InteractionFailures', { step: 'enqueue' });
    return text(500, 'could not hand the approval over; click again\n');
  }
  await audit(deps, log, recorded(known, claim, digest, now, `${what}: approved${stored === 'duplicate' ? ' (repeat click)' : ''}`, stored));
  metrics.count('ApprovalsRecorded', { action: claim.act, complete: 'yes' });
  log.info('approval handed to evaluate', { action: claim.act, decisionId: claim.d, workflow: `${claim.ns}/${claim.n}`, user: p.user.id, repeat: stored === 'duplicate' });
  return text(200, `${what}: approved, working on it\n`);
}

function common(k: Known): Omit<ApprovalEvent, 'id' | 'outcome' | 'code' | 'reason' | 'at'> {
  return {
    ...(k.cluster ? { cluster: k.cluster } : {}),
    ...(k.claim ? { claim: k.claim } : {}),
    users: k.users,
    ...(k.teamId ? { teamId: k.teamId } : {}),
    ...(k.appId ? { appId: k.appId } : {}),
  };
}

function recorded(k: Known, claim: ButtonClaim, digest: string, now: () => number, reason: string, stored: 'written' | 'duplicate'): ApprovalEvent {
  return {
    id: approvalEventId('recorded', digest),
    outcome: 'recorded',
    code: stored === 'duplicate' ? 'repeat' : 'ok',
    reason,
    httpStatus: 200,
    ...common({ ...k, claim }),
    requestDigest: digest,
    at: new Date(now()).toISOString(),
  };
}

/** The refusal is already decided; a failing audit write is logged and counted, it never turns into an action. */
async function audit(deps: InteractDeps, log: Log, event: ApprovalEvent): Promise<void> {
  try {
    await deps.audit.record(approvalRecord(event, new Date((deps.now ?? Date.now)()).toISOString()));
  } catch (err) {
    log.error('approval audit record not written', { id: event.id, error: (err as Error).message });
    (deps.metrics ?? noCounter).count('InteractionFailures', { step: 'audit' });
  }
}

/**
 * A line only the person who clicked sees, under the message, which stays as it is (buttons included, for the
 * second approver). A failure is logged and counted without the URL; it never changes the answer to Slack.
 */
async function ephemeral(respond: NonNullable<InteractDeps['respond']>, url: string, line: string, log: Log, metrics: Counter): Promise<void> {
  try {
    await respond(url, { text: line, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: line } }], response_type: 'ephemeral', replace_original: false });
  } catch (err) {
    log.warn('could not answer the click in Slack', { errorName: (err as Error).name, error: (err as Error).message });
    metrics.count('InteractionFailures', { step: 'respond' });
  }
}
