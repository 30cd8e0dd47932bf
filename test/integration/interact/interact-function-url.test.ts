// The interact function as deployed (functions/interact.ts: middy, Powertools, configuration and secrets from
// SSM), behind a loopback stand-in for its Lambda function URL, with approvals, refusals and the signals queue on
// moto_server through the real SDK clients. The requests are built here, independently of src/local's clicker.
import { createHmac } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, PurgeQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApprovalMessage } from '../../../src/approvals/message.js';
import { AnyAuditRecord } from '../../../src/audit/record.js';
import { clearConfigCache } from '../../../src/config/load.js';
import type { ButtonClaim } from '../../../src/domain/approval.js';
import { signButtonValue } from '../../../src/domain/button-value.js';
import { type LocalFunctionUrl, startLocalFunctionUrl } from '../../../src/local/function-url.js';
import { clearRegisteredSecrets } from '../../../src/observability/redact.js';
import { withMoto } from '../../helpers/moto.js';
import { type SlackReceiver, startSlackReceiver } from '../../helpers/slack-receiver.js';

const ctx = withMoto();
const BUCKET = 'afr-audit-interact';
const SECRET = 'slack-signing-secret-current-0123456789';
const PREVIOUS = 'slack-signing-secret-previous-987654321';
const BUTTON_KEY = 'button-key-for-the-interact-tests-0123456789abcdef';
const TEAM = 'T0TEAM0001';
const APP = 'A0APP00001';
const ALICE = { id: 'U0ALICE001', name: 'alice' };
const BOB = { id: 'U0BOB00001', name: 'bob' };
const MALLORY = { id: 'U0MALLORY1', name: 'mallory' };
// Slack's response_url for the clicks: a local receiver, so the ephemeral answers can be read back.
let responses: SlackReceiver;
let RESPONSE_URL = '';

let s3: S3Client;
let sqs: SQSClient;
let queueUrl: string;
let fnUrl: LocalFunctionUrl;
let fnUrlText: LocalFunctionUrl;
const saved = { ...process.env };
let now = Math.floor(Date.now() / 1000);

function claim(over: Partial<ButtonClaim> = {}): ButtonClaim {
  return {
    v: 1,
    c: 'prod-eu',
    ns: 'data',
    n: 'etl-run-q8h2d',
    uid: '00000000-0000-4000-8000-000000000003',
    cause: 'gc-failed',
    pend: '0123456789abcdef0123456789abcdef',
    pc: 2,
    act: 'rearm',
    exp: now + 86_400,
    d: 'd'.repeat(32),
    ...over,
  };
}

/** Slack's request, by hand: form-encoded payload, v0 HMAC over the exact bytes sent. */
function slackRequest(o: { value: string; user?: { id: string; name: string }; team?: string; app?: string; ts?: number; secret?: string; contentType?: string; body?: string }) {
  const ts = String(o.ts ?? now);
  const payload = {
    type: 'block_actions',
    api_app_id: o.app ?? APP,
    token: 'verificationTokenNeverStored',
    team: { id: o.team ?? TEAM, domain: 'acme' },
    user: { id: (o.user ?? ALICE).id, username: (o.user ?? ALICE).name, name: (o.user ?? ALICE).name, team_id: o.team ?? TEAM },
    response_url: RESPONSE_URL,
    trigger_id: '1.2.3',
    actions: [{ type: 'button', action_id: 'afr', block_id: 'b', value: o.value, action_ts: `${ts}.1` }],
  };
  const body = o.body ?? `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const signature = 'v0=' + createHmac('sha256', o.secret ?? SECRET).update(`v0:${ts}:${body}`).digest('hex');
  return { headers: { 'content-type': o.contentType ?? 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': signature }, body };
}

async function post(req: { headers: Record<string, string>; body: string }, url = fnUrl.url) {
  const res = await fetch(url, { method: 'POST', headers: req.headers, body: req.body });
  return { status: res.status, text: await res.text() };
}

async function keys(prefix: string): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

async function read(key: string): Promise<unknown> {
  const res = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return JSON.parse(await res.Body!.transformToString());
}

async function auditRecords() {
  const found = await keys('audit/');
  return Promise.all(found.map(async (k) => AnyAuditRecord.parse(await read(k)))).then((rs) => rs.flatMap((r) => (r.kind === 'approval' ? [r.approval] : [])));
}

async function queued(): Promise<ApprovalMessage[]> {
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  return (out.Messages ?? []).map((m) => ApprovalMessage.parse(JSON.parse(m.Body!)));
}

beforeAll(async () => {
  const m = ctx.moto;
  s3 = new S3Client(m.clientConfig);
  sqs = new SQSClient(m.clientConfig);
  const ssm = new SSMClient(m.clientConfig);
  responses = await startSlackReceiver({ secretPath: '/actions/T0TEAM0001/1234567890/r3sp0nseUrlS3cretT0ken' });
  RESPONSE_URL = responses.url;
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'signals' }))).QueueUrl!;
  // Two signing secrets in one parameter, current first: a rotation in progress.
  await ssm.send(new PutParameterCommand({ Name: '/afr/test/slack-signing-secret', Type: 'SecureString', Value: `${SECRET}\n${PREVIOUS}` }));
  await ssm.send(new PutParameterCommand({ Name: '/afr/test/slack-button-key', Type: 'SecureString', Value: BUTTON_KEY }));
  Object.assign(process.env, m.env, {
    AFR_CONFIG: JSON.stringify({
      clusters: [{ name: 'prod-eu', auth: { type: 'kubeconfig' } }],
      slack: { webhook: { url: 'https://hooks.slack.com/services/T0/B0/x' }, app: { teamId: TEAM, appId: APP, approvers: [ALICE.id, BOB.id], requireTwoApproversFor: ['remove-with-orphans'], responseUrlOrigins: [new URL(RESPONSE_URL).origin] } },
    }),
    SLACK_SIGNING_SECRET_SSM_PARAM: '/afr/test/slack-signing-secret',
    SLACK_BUTTON_KEY_SSM_PARAM: '/afr/test/slack-button-key',
    AUDIT_BUCKET: BUCKET,
    SIGNALS_QUEUE_URL: queueUrl,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  clearConfigCache();
  const { handler } = await import('../../../functions/interact.js');
  fnUrl = await startLocalFunctionUrl(handler, { base64: 'always' });
  fnUrlText = await startLocalFunctionUrl(handler, { base64: 'never' });
});

afterAll(async () => {
  await fnUrl?.close();
  await fnUrlText?.close();
  await responses?.close();
  process.env = saved;
  clearConfigCache();
  clearRegisteredSecrets();
});

beforeEach(async () => {
  now = Math.floor(Date.now() / 1000);
  await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
});

describe('interact behind its function URL', () => {
  it('records an allow-listed click once, hands it to evaluate, and audits it; a replay acts no more', async () => {
    const value = signButtonValue(claim({ d: '1'.repeat(32) }), [BUTTON_KEY]);
    const req = slackRequest({ value });
    const first = await post(req);
    expect(first).toMatchObject({ status: 200 });
    expect(first.text).toContain('Retry GC for data/etl-run-q8h2d by alice: approved');
    expect(fnUrl.events.at(-1)).toMatchObject({ version: '2.0', isBase64Encoded: true, requestContext: { http: { method: 'POST' } } });

    const stored = await keys('approvals/');
    expect(stored).toEqual([`approvals/cluster=prod-eu/data/etl-run-q8h2d/00000000-0000-4000-8000-000000000003/${'1'.repeat(32)}/rearm/by/${ALICE.id}.json`]);
    const approval = (await read(stored[0]!)) as Record<string, unknown>;
    expect(approval).toMatchObject({ claim: { act: 'rearm', n: 'etl-run-q8h2d' }, approver: { id: ALICE.id, name: 'alice', teamId: TEAM } });
    expect(JSON.stringify(approval)).not.toContain('r3sp0nseUrl');

    const [msg] = await queued();
    expect(msg).toMatchObject({ kind: 'afr.approval/v1', value, approvers: [{ id: ALICE.id }], responseUrl: RESPONSE_URL });

    // The same request again, inside the window (a replay or Slack redelivering): stored once, audited once.
    const again = await post(req);
    expect(again.status).toBe(200);
    expect(await keys('approvals/')).toEqual(stored);
    const audits = (await auditRecords()).filter((a) => a.claim?.d === '1'.repeat(32));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ outcome: 'recorded', code: 'ok', users: [{ id: ALICE.id, name: 'alice' }], teamId: TEAM, appId: APP });
    expect(JSON.stringify(audits)).not.toMatch(/r3sp0nseUrl|verificationTokenNeverStored|hooks\.slack\.com\/actions/);
  });

  it('takes a text body as well as a base64 one, and a request signed with the previous secret', async () => {
    const value = signButtonValue(claim({ d: '2'.repeat(32) }), [BUTTON_KEY]);
    expect((await post(slackRequest({ value }), fnUrlText.url)).status).toBe(200);
    expect(fnUrlText.events.at(-1)).toMatchObject({ isBase64Encoded: false });
    expect((await post(slackRequest({ value, user: BOB, secret: PREVIOUS }))).status).toBe(200);
    expect(await queued()).toHaveLength(2);
  });

  it.each([
    ['a wrong signing secret', () => slackRequest({ value: signButtonValue(claim(), [BUTTON_KEY]), secret: 'not-the-secret-at-all-0000' }), 401, 'bad-signature'],
    ['a timestamp 301 s old', () => slackRequest({ value: signButtonValue(claim(), [BUTTON_KEY]), ts: now - 301 }), 401, 'stale'],
    // A few seconds past the window: the clock moves on between building the request and checking it.
    ['a timestamp 305 s ahead', () => slackRequest({ value: signButtonValue(claim(), [BUTTON_KEY]), ts: now + 305 }), 401, 'stale'],
    ['a user not on the allow-list', () => slackRequest({ value: signButtonValue(claim(), [BUTTON_KEY]), user: MALLORY }), 403, 'unauthorised'],
    ['another workspace', () => slackRequest({ value: signButtonValue(claim(), [BUTTON_KEY]), team: 'T0OTHER001' }), 403, 'wrong-team'],
    ['another app', () => slackRequest({ value: signButtonValue(claim(), [BUTTON_KEY]), app: 'A0OTHER001' }), 403, 'wrong-app'],
    ['an expired button', () => slackRequest({ value: signButtonValue(claim({ exp: now - 1 }), [BUTTON_KEY]) }), 410, 'expired'],
    ['a value signed with another key', () => slackRequest({ value: signButtonValue(claim(), ['x'.repeat(48)]) }), 403, 'tampered-value'],
    ['a value that is not ours', () => slackRequest({ value: 'remove-everything' }), 400, 'malformed-value'],
    ['a JSON body', () => slackRequest({ value: 'v', contentType: 'application/json', body: '{"type":"block_actions"}' }), 415, 'not-form'],
    ['a form without payload', () => slackRequest({ value: 'v', body: 'command=%2Fremove' }), 400, 'no-payload'],
    ['a payload of another type', () => slackRequest({ value: 'v', body: `payload=${encodeURIComponent('{"type":"view_submission"}')}` }), 400, 'unsupported-type'],
  ])('refuses %s, audits the refusal and does nothing', async (_what, build, status, code) => {
    const before = await keys('approvals/');
    const answered = responses.posts.length;
    const res = await post(build());
    expect(res.status).toBe(status);
    expect(res.text.trim().length).toBeGreaterThan(0);
    expect(await keys('approvals/')).toEqual(before);
    expect(await queued()).toEqual([]);
    expect((await auditRecords()).some((a) => a.outcome === 'refused' && a.code === code && a.httpStatus === status)).toBe(true);
    // Once the request is proven Slack's, from this workspace and app, the clicker is told why, and only they.
    const told = ['unauthorised', 'expired', 'tampered-value', 'malformed-value'].includes(code);
    expect(responses.posts.length - answered).toBe(told ? 1 : 0);
    if (told) expect(responses.posts.at(-1)!.json).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: expect.stringContaining(':no_entry_sign: Not done: ') });
  });

  it('refuses missing headers, an oversized body and a GET', async () => {
    const ok = slackRequest({ value: signButtonValue(claim(), [BUTTON_KEY]) });
    const { 'x-slack-signature': _, ...noSig } = ok.headers;
    expect((await post({ headers: noSig, body: ok.body })).status).toBe(401);
    expect((await post({ headers: ok.headers, body: 'payload=' + 'a'.repeat(1024 * 1024 + 1) })).status).toBe(413);
    expect((await fetch(fnUrl.url)).status).toBe(405);
    expect(await queued()).toEqual([]);
    const codes = (await auditRecords()).map((a) => a.code);
    expect(codes).toEqual(expect.arrayContaining(['missing-headers', 'too-large', 'method-not-allowed']));
  });

  it('needs two distinct approvers for a removal that orphans artifacts', async () => {
    const value = signButtonValue(claim({ act: 'remove', pc: 3, d: '3'.repeat(32) }), [BUTTON_KEY]);
    const answered = responses.posts.length;
    const first = await post(slackRequest({ value }));
    expect(first.status).toBe(200);
    expect(first.text).toContain('1 of 2 approvals');
    // Slack shows nothing of the HTTP answer to a block_actions click: the clicker hears it on the response_url,
    // as a line only they see, and the message (with its buttons, for the second approver) stays.
    expect(responses.posts.slice(answered).map((p) => p.json)).toEqual([
      {
        response_type: 'ephemeral',
        replace_original: false,
        text: ':hourglass_flowing_sand: Recorded: your *Remove finalizer* for *data/etl-run-q8h2d* is 1 of 2 approvals (so far: alice). Nothing is done until a second approver clicks the same button.',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: expect.stringContaining('1 of 2 approvals (so far: alice)') } }],
      },
    ]);
    // The same approver twice is still one approver.
    await post(slackRequest({ value, ts: now - 1 }));
    expect(await queued()).toEqual([]);
    expect((responses.posts.at(-1)!.json as { text: string }).text).toMatch(/^:hourglass_flowing_sand: Already recorded: .* 1 of 2 approvals/);
    const second = await post(slackRequest({ value, user: BOB }));
    expect(second.text).toContain('approved');
    // Enough approvers: no ephemeral line; evaluate replaces the message once it has acted.
    expect(responses.posts.length).toBe(answered + 2);
    const [msg] = await queued();
    expect(msg!.approvers.map((a) => a.id).sort()).toEqual([ALICE.id, BOB.id].sort());
  });
});
