import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets, redactString } from '../../../src/observability/redact.js';
import { WebhookConfigError, clearWebhookCache, parseWebhookSecret, webhookSourceFromEnv } from '../../../src/notify/webhook-source.js';

// Reading SSM and Secrets Manager for real is test/integration/aws/secrets.test.ts (moto); here, what needs no service.

const URL1 = 'https://hooks.slack.com/services/T0000AAAA/B0000BBBB/abcdefghijklmnopqrstuvwx';

beforeEach(() => clearWebhookCache());
afterEach(() => clearRegisteredSecrets());

describe('webhookSourceFromEnv', () => {
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
