// notify as deployed reads the Slack app's button key from SSM (moto_server) and signs the buttons of a notify;
// without a Slack app, or when the key cannot be read, the same message goes out without buttons.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearConfigCache } from '../../../src/config/load.js';
import { pendingDigest } from '../../../src/domain/approval.js';
import { verifyButtonValue } from '../../../src/domain/button-value.js';
import { notifyDepsFromConfig } from '../../../src/notify/handler.js';
import { notifyDecisions } from '../../../src/notify/notify-decisions.js';
import { clearRegisteredSecrets } from '../../../src/observability/redact.js';
import { silentLog } from '../../../src/observability/log.js';
import { withMoto } from '../../helpers/moto.js';
import { type SlackReceiver, startSlackReceiver } from '../../helpers/slack-receiver.js';
import { gcFailedDecision } from '../../unit/notify/fixtures.js';

const ctx = withMoto();
const KEY = 'notify-button-key-0123456789abcdef0123456789';
let slack: SlackReceiver;
const saved = { ...process.env };

const config = (app: boolean) =>
  JSON.stringify({
    clusters: [{ name: 'prod-eu-1', auth: { type: 'kubeconfig' } }],
    slack: { webhook: { url: slack.url }, ...(app ? { app: { teamId: 'T0TEAM0001', appId: 'A0APP00001', approvers: ['U0ALICE001'] } } : {}) },
  });

async function post(env: Record<string, string>, uid: string) {
  clearConfigCache();
  const deps = await notifyDepsFromConfig({ ...process.env, ...env, EPISODE_DIR: mkdtempSync(join(tmpdir(), 'afr-nb-')) }, silentLog);
  const d = gcFailedDecision({ workflow: { namespace: 'data', name: 'etl-run-q8h2d', uid } });
  const before = slack.posts.length;
  const result = await notifyDecisions([{ ...d, pendingDigest: pendingDigest(d.pendingArtifacts) }], deps);
  expect(result.messages).toBe(1);
  expect(slack.posts.length).toBe(before + 1);
  return slack.posts.at(-1)!.json as { blocks: { type: string; elements?: { value: string }[] }[] };
}

beforeAll(async () => {
  slack = await startSlackReceiver();
  await new SSMClient(ctx.moto.clientConfig).send(new PutParameterCommand({ Name: '/afr/nb/button-key', Type: 'SecureString', Value: KEY }));
  Object.assign(process.env, ctx.moto.env);
  delete process.env['AUDIT_BUCKET'];
});

afterAll(async () => {
  await slack.close();
  process.env = saved;
  clearConfigCache();
  clearRegisteredSecrets();
});

describe('notify with a Slack app', () => {
  it('signs each button with the key from SSM, and never posts the key', async () => {
    const msg = await post({ AFR_CONFIG: config(true), SLACK_BUTTON_KEY_SSM_PARAM: '/afr/nb/button-key' }, '11111111-0000-4000-8000-000000000001');
    const actions = msg.blocks.filter((b) => b.type === 'actions');
    expect(actions).toHaveLength(1);
    for (const e of actions[0]!.elements!) expect(verifyButtonValue(e.value, [KEY], Date.now())).toMatchObject({ ok: true });
    expect(JSON.stringify(msg)).not.toContain(KEY);
  });

  it('posts the message without buttons when no Slack app is configured, or its key cannot be read', async () => {
    const plain = await post({ AFR_CONFIG: config(false), SLACK_BUTTON_KEY_SSM_PARAM: '/afr/nb/button-key' }, '11111111-0000-4000-8000-000000000002');
    expect(plain.blocks.some((b) => b.type === 'actions')).toBe(false);
    const missing = await post({ AFR_CONFIG: config(true), SLACK_BUTTON_KEY_SSM_PARAM: '/afr/nb/not-there' }, '11111111-0000-4000-8000-000000000003');
    expect(missing.blocks.some((b) => b.type === 'actions')).toBe(false);
  });
});
