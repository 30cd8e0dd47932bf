// Secrets around a click: the Slack signing secret, the key that signs button values and the click's
// response_url. The deployed interact handler runs with debug logging on accepted, refused and broken requests;
// every log line and every file it wrote (approvals, audit records) is searched for them.
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { clearConfigCache } from '../../../src/config/load.js';
import { signButtonValue } from '../../../src/domain/button-value.js';
import { clearRegisteredSecrets } from '../../../src/observability/redact.js';
import { withMoto } from '../../helpers/moto.js';

const ctx = withMoto();
const SIGNING = 'xoxs-like-signing-secret-7f3a9c0e1b2d4f6a8c0e';
const SIGNING_OLD = 'previous-signing-secret-5e4d3c2b1a09f8e7d6c5';
const KEY = 'button-value-key-9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d';
const RESPONSE_URL = 'https://hooks.slack.com/actions/T0TEAM0001/99887766/respUrlT0kenXyZ0123456';
const LOCAL_RESPONSE_URL = 'http://127.0.0.1:9/actions/T0TEAM0001/99887766/loopbackRespUrlT0ken';
const dir = mkdtempSync(join(tmpdir(), 'afr-interact-secrets-'));
const captured: string[] = [];
const saved = { ...process.env };
type Handler = (e: APIGatewayProxyEventV2, c: object) => Promise<{ statusCode?: number; body?: string }>;
let handler: Handler;

function event(body: string, headers: Record<string, string>, base64 = true): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers,
    requestContext: { http: { method: 'POST', path: '/', protocol: 'HTTP/1.1', sourceIp: '3.3.3.3', userAgent: 'Slackbot' } } as APIGatewayProxyEventV2['requestContext'],
    body: base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
  };
}

function click(o: { value: string; user?: string; secret?: string; ts?: number; responseUrl?: string }) {
  const ts = String(o.ts ?? Math.floor(Date.now() / 1000));
  const payload = {
    type: 'block_actions',
    api_app_id: 'A0APP00001',
    token: 'legacyVerificationT0ken',
    team: { id: 'T0TEAM0001' },
    user: { id: o.user ?? 'U0ALICE001', name: 'alice' },
    response_url: o.responseUrl ?? RESPONSE_URL,
    actions: [{ action_id: 'afr', value: o.value }],
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const sig = 'v0=' + createHmac('sha256', o.secret ?? SIGNING).update(`v0:${ts}:${body}`).digest('hex');
  return event(body, { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': sig });
}

const claim = (over: Record<string, unknown> = {}) => ({
  v: 1 as const,
  c: 'prod-eu',
  ns: 'data',
  n: 'etl-run-q8h2d',
  uid: '00000000-0000-4000-8000-000000000003',
  cause: 'gc-failed',
  pend: 'f'.repeat(32),
  pc: 1,
  act: 'rearm' as const,
  exp: Math.floor(Date.now() / 1000) + 3600,
  d: 'e'.repeat(32),
  ...over,
});

beforeAll(async () => {
  const m = ctx.moto;
  const ssm = new SSMClient(m.clientConfig);
  await ssm.send(new PutParameterCommand({ Name: '/afr/s/signing', Type: 'SecureString', Value: `${SIGNING}\n${SIGNING_OLD}` }));
  await ssm.send(new PutParameterCommand({ Name: '/afr/s/key', Type: 'SecureString', Value: KEY }));
  const queueUrl = (await new SQSClient(m.clientConfig).send(new CreateQueueCommand({ QueueName: 'signals-secrets' }))).QueueUrl!;
  Object.assign(process.env, m.env, {
    AFR_CONFIG: JSON.stringify({
      clusters: [{ name: 'prod-eu', auth: { type: 'kubeconfig' } }],
      audit: { localDir: dir },
      slack: { webhook: { url: 'https://hooks.slack.com/services/T0/B0/x' }, app: { teamId: 'T0TEAM0001', appId: 'A0APP00001', approvers: ['U0ALICE001'], responseUrlOrigins: ['http://127.0.0.1:9'] } },
    }),
    SLACK_SIGNING_SECRET_SSM_PARAM: '/afr/s/signing',
    SLACK_BUTTON_KEY_SSM_PARAM: '/afr/s/key',
    SIGNALS_QUEUE_URL: queueUrl,
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
    POWERTOOLS_METRICS_NAMESPACE: 'ArgoFinalizerRemediator',
  });
  delete process.env['AUDIT_BUCKET'];
  delete process.env['POWERTOOLS_METRICS_DISABLED'];
  clearConfigCache();
  clearRegisteredSecrets();
  const keep = (chunk: unknown) => {
    captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(keep);
  vi.spyOn(process.stderr, 'write').mockImplementation(keep);
  for (const m of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void captured.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')));
  }
  handler = (await import('../../../functions/interact.js')).handler as unknown as Handler;
});

afterAll(() => {
  vi.restoreAllMocks();
  process.env = saved;
  clearConfigCache();
  clearRegisteredSecrets();
});

describe('interact keeps its secrets', () => {
  it('writes none of them to logs, approvals or audit records, whatever the request', async () => {
    const statuses: number[] = [];
    const send = async (e: APIGatewayProxyEventV2) => statuses.push((await handler(e, {})).statusCode ?? 0);
    await send(click({ value: signButtonValue(claim(), [KEY]) }));
    await send(click({ value: signButtonValue(claim({ act: 'snooze' }), [KEY]), secret: SIGNING_OLD, responseUrl: LOCAL_RESPONSE_URL }));
    await send(click({ value: signButtonValue(claim(), [KEY]), secret: 'wrong-secret-000000000000000000' }));
    // Refusals the clicker is told about on the response_url (nothing listens there: the failed post is logged).
    await send(click({ value: signButtonValue(claim(), [KEY]), user: 'U0MALLORY1', responseUrl: LOCAL_RESPONSE_URL }));
    await send(click({ value: signButtonValue(claim({ exp: 1 }), [KEY]), responseUrl: LOCAL_RESPONSE_URL }));
    await send(click({ value: `${signButtonValue(claim(), [KEY])}x`, responseUrl: LOCAL_RESPONSE_URL }));
    await send(click({ value: signButtonValue(claim(), [KEY]), ts: 1 }));
    expect(statuses).toEqual([200, 200, 401, 403, 410, 403, 401]);

    const files = readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.json'));
    expect(files.some((f) => f.startsWith('approvals/'))).toBe(true);
    expect(files.filter((f) => f.includes('_approvals')).length).toBeGreaterThanOrEqual(6);
    const written = files.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    const logs = captured.join('\n');
    expect(logs).toContain('interaction refused');
    expect(logs).toContain('could not answer the click in Slack');
    for (const secret of [SIGNING, SIGNING_OLD, KEY, RESPONSE_URL, 'respUrlT0kenXyZ0123456', LOCAL_RESPONSE_URL, 'loopbackRespUrlT0ken', 'legacyVerificationT0ken']) {
      expect(logs, secret).not.toContain(secret);
      expect(written, secret).not.toContain(secret);
    }
  });

  it('fails closed, with 503 and without a word of the secret, when the signing secret cannot be read', async () => {
    process.env['SLACK_SIGNING_SECRET_SSM_PARAM'] = '/afr/s/does-not-exist';
    clearConfigCache();
    vi.resetModules();
    const fresh = (await import('../../../functions/interact.js')).handler as unknown as Handler;
    const res = await fresh(click({ value: signButtonValue(claim(), [KEY]) }), {});
    expect(res.statusCode).toBe(503);
    expect(captured.join('\n')).toContain('interact not configured');
  });
});
