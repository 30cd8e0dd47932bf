import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets, redactString } from '../../../src/observability/redact.js';
import { WebhookConfigError, clearWebhookCache, parseWebhookSecret, webhookSourceFromEnv } from '../../../src/notify/webhook-source.js';
import { fakeTime } from './fake-time.js';

// SSM and Secrets Manager cannot run here; the SDK clients are mocked at the command level.

const URL1 = 'https://hooks.slack.com/services/T0000AAAA/B0000BBBB/abcdefghijklmnopqrstuvwx';
const URL2 = 'https://hooks.slack.com/services/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';
const ssmMock = mockClient(SSMClient);
const smMock = mockClient(SecretsManagerClient);

beforeEach(() => {
  ssmMock.reset();
  smMock.reset();
  clearWebhookCache();
});
afterEach(() => clearRegisteredSecrets());

describe('webhookSourceFromEnv', () => {
  it('reads an SSM SecureString with decryption and caches it for 5 minutes', async () => {
    ssmMock.on(GetParameterCommand).resolvesOnce({ Parameter: { Value: URL1 } }).resolves({ Parameter: { Value: URL2 } });
    const t = fakeTime();
    const source = webhookSourceFromEnv({ SLACK_WEBHOOK_SSM_PARAM: '/afr/slack-webhook' }, { ssm: new SSMClient({}), clock: t.clock })!;
    expect(source.describe).toBe('ssm:/afr/slack-webhook');
    expect(await source.url()).toBe(URL1);
    t.advance(299_000);
    expect(await source.url()).toBe(URL1);
    expect(ssmMock).toHaveReceivedCommandTimes(GetParameterCommand, 1);
    expect(ssmMock).toHaveReceivedCommandWith(GetParameterCommand, { Name: '/afr/slack-webhook', WithDecryption: true });
    t.advance(2000);
    expect(await source.url()).toBe(URL2);
    expect(ssmMock).toHaveReceivedCommandTimes(GetParameterCommand, 2);
  });

  it('shares the cache across sources built for the same parameter (one read per warm Lambda)', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: URL1 } });
    const env = { SLACK_WEBHOOK_SSM_PARAM: '/afr/shared' };
    await webhookSourceFromEnv(env, { ssm: new SSMClient({}) })!.url();
    await webhookSourceFromEnv(env, { ssm: new SSMClient({}) })!.url();
    expect(ssmMock).toHaveReceivedCommandTimes(GetParameterCommand, 1);
  });

  it.each([
    ['a raw URL', URL1],
    ['JSON {"url": ...}', JSON.stringify({ url: URL1 })],
  ])('reads a Secrets Manager secret holding %s', async (_, secret) => {
    smMock.on(GetSecretValueCommand).resolves({ SecretString: secret });
    const source = webhookSourceFromEnv({ SLACK_WEBHOOK_SECRET_ID: 'afr/slack' }, { secrets: new SecretsManagerClient({}) })!;
    expect(await source.url()).toBe(URL1);
    expect(smMock).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: 'afr/slack' });
  });

  it('prefers SSM, then Secrets Manager, then SLACK_WEBHOOK_URL; none configured is undefined', () => {
    expect(webhookSourceFromEnv({ SLACK_WEBHOOK_SSM_PARAM: '/p', SLACK_WEBHOOK_SECRET_ID: 's', SLACK_WEBHOOK_URL: URL1 })!.describe).toBe('ssm:/p');
    expect(webhookSourceFromEnv({ SLACK_WEBHOOK_SECRET_ID: 's', SLACK_WEBHOOK_URL: URL1 })!.describe).toBe('secretsmanager:s');
    expect(webhookSourceFromEnv({ SLACK_WEBHOOK_URL: URL1 })!.describe).toBe('env:SLACK_WEBHOOK_URL');
    expect(webhookSourceFromEnv({})).toBeUndefined();
  });

  it('registers the URL it read, so later redaction removes it whatever its shape', async () => {
    const local = 'http://127.0.0.1:9/services/T1/B2/localsecretvalue';
    await webhookSourceFromEnv({ SLACK_WEBHOOK_URL: local })!.url();
    expect(redactString(`posting to ${local}`)).toBe('posting to [REDACTED]');
  });
});

describe('parseWebhookSecret', () => {
  it.each([
    ['{"url": 42}', /no string "url"/],
    ['{broken json https://hooks.slack.com/services/T/B/secretpart', /neither a URL nor valid JSON/],
    ['not a url secretpart', /not a URL/],
    ['ftp://hooks.slack.com/services/T/B/secretpart', /must be http/],
  ])('rejects %s without repeating the value', (raw, message) => {
    let caught: unknown;
    try {
      parseWebhookSecret(raw, 'secretsmanager:afr/slack');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(WebhookConfigError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain('secretpart');
  });
});
