import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearConfigCache, loadConfigFromEnv } from '../../../src/config/load.js';
import { clearRegisteredSecrets, redactString } from '../../../src/observability/redact.js';
import { clearWebhookCache, webhookSourceFromEnv } from '../../../src/notify/webhook-source.js';
import { withMoto } from '../../helpers/moto.js';
import { fakeTime } from '../../unit/notify/fake-time.js';

// Where the functions keep secrets, on moto: the Slack webhook in an SSM SecureString or a Secrets Manager
// secret, and the configuration in an SSM parameter read by the default reader (its own SDK client, built from
// the environment as in Lambda).

const fx = withMoto();
const URL1 = 'https://hooks.slack.com/services/T0000AAAA/B0000BBBB/abcdefghijklmnopqrstuvwx';
const URL2 = 'https://hooks.slack.com/services/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';
const minimal = { clusters: [{ name: 'prod', auth: { type: 'kubeconfig' } }] };
let ssm: SSMClient;
let secrets: SecretsManagerClient;
const saved = { ...process.env };

beforeAll(() => {
  // Only the default readers (no client given) use these: they build their clients the way Lambda would.
  Object.assign(process.env, fx.moto.env);
});
afterAll(() => {
  process.env = saved;
});
beforeEach(async () => {
  await fx.moto.reset();
  ssm = new SSMClient(fx.moto.clientConfig);
  secrets = new SecretsManagerClient(fx.moto.clientConfig);
  clearWebhookCache();
  clearConfigCache();
});
afterEach(() => clearRegisteredSecrets());

const ssmReads = () => fx.moto.callsTo('AmazonSSM.GetParameter').map((c) => JSON.parse(c.body) as { Name: string; WithDecryption?: boolean });

describe('Slack webhook from SSM SecureString', () => {
  it('reads it decrypted, caches it for 5 minutes, then picks up a rotation', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/afr/slack-webhook', Type: 'SecureString', Value: URL1 }));
    // Stored encrypted: without decryption moto, like SSM, does not hand back the URL.
    const raw = await ssm.send(new GetParameterCommand({ Name: '/afr/slack-webhook' }));
    expect(raw.Parameter?.Value).not.toBe(URL1);
    fx.moto.calls.length = 0;

    const t = fakeTime();
    const source = webhookSourceFromEnv({ SLACK_WEBHOOK_SSM_PARAM: '/afr/slack-webhook' }, { ssm, clock: t.clock })!;
    expect(source.describe).toBe('ssm:/afr/slack-webhook');
    expect(await source.url()).toBe(URL1);
    await ssm.send(new PutParameterCommand({ Name: '/afr/slack-webhook', Type: 'SecureString', Value: URL2, Overwrite: true }));
    t.advance(299_000);
    expect(await source.url()).toBe(URL1);
    expect(ssmReads()).toEqual([{ Name: '/afr/slack-webhook', WithDecryption: true }]);
    t.advance(2_000);
    expect(await source.url()).toBe(URL2);
    expect(ssmReads()).toHaveLength(2);
  });

  it('shares the cache across sources for the same parameter (one read per warm Lambda)', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/afr/shared', Type: 'SecureString', Value: URL1 }));
    fx.moto.calls.length = 0;
    const env = { SLACK_WEBHOOK_SSM_PARAM: '/afr/shared' };
    await webhookSourceFromEnv(env, { ssm })!.url();
    await webhookSourceFromEnv(env, { ssm })!.url();
    expect(ssmReads()).toHaveLength(1);
  });

  it('registers what it read for redaction, and a missing parameter fails without a value in the message', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/afr/slack-webhook', Type: 'SecureString', Value: URL1 }));
    await webhookSourceFromEnv({ SLACK_WEBHOOK_SSM_PARAM: '/afr/slack-webhook' }, { ssm })!.url();
    expect(redactString(`posting to ${URL1}`)).toBe('posting to [REDACTED]');
    await expect(webhookSourceFromEnv({ SLACK_WEBHOOK_SSM_PARAM: '/afr/none' }, { ssm })!.url()).rejects.toThrow(/ParameterNotFound|not found/i);
  });
});

describe('Slack webhook from Secrets Manager', () => {
  it.each([
    ['a raw URL', URL1],
    ['JSON {"url": ...}', JSON.stringify({ url: URL1 })],
  ])('reads a secret holding %s, and its rotation after the cache expires', async (_, value) => {
    await secrets.send(new CreateSecretCommand({ Name: 'afr/slack', SecretString: value }));
    const t = fakeTime();
    const source = webhookSourceFromEnv({ SLACK_WEBHOOK_SECRET_ID: 'afr/slack' }, { secrets, clock: t.clock })!;
    expect(await source.url()).toBe(URL1);
    await secrets.send(new PutSecretValueCommand({ SecretId: 'afr/slack', SecretString: URL2 }));
    t.advance(301_000);
    expect(await source.url()).toBe(URL2);
    expect(fx.moto.callsTo('secretsmanager.GetSecretValue').map((c) => JSON.parse(c.body).SecretId)).toEqual(['afr/slack', 'afr/slack']);
  });

  it('rejects a secret that is not a webhook without repeating it', async () => {
    await secrets.send(new CreateSecretCommand({ Name: 'afr/bad', SecretString: 'not a url secretpart' }));
    const err = await webhookSourceFromEnv({ SLACK_WEBHOOK_SECRET_ID: 'afr/bad' }, { secrets })!.url().catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/not a URL/);
    expect((err as Error).message).not.toContain('secretpart');
  });
});

describe('configuration from SSM with the default reader', () => {
  it('asks for decryption and parses the value', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/afr/ci/config', Type: 'SecureString', Value: JSON.stringify(minimal) }));
    fx.moto.calls.length = 0;
    const config = await loadConfigFromEnv({ AFR_CONFIG_SSM_PARAM: '/afr/ci/config' });
    expect(config.clusters[0]?.name).toBe('prod');
    expect(ssmReads()).toEqual([{ Name: '/afr/ci/config', WithDecryption: true }]);
  });

  it('turns a missing parameter into a one-line ConfigError naming it', async () => {
    await expect(loadConfigFromEnv({ AFR_CONFIG_SSM_PARAM: '/afr/missing' })).rejects.toThrow('cannot read SSM parameter /afr/missing (ParameterNotFound)');
  });
});
