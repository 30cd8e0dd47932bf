import { describe, expect, it, vi } from 'vitest';
import { approvalSettings, readSecretRef, responseUrlAllowed } from '../../../src/approvals/settings.js';
import { ConfigError } from '../../../src/config/config-error.js';
import { clearConfigCache, loadConfigFromEnv, parseConfig } from '../../../src/config/load.js';
import { redactString } from '../../../src/observability/redact.js';

const cluster = { name: 'prod', auth: { type: 'kubeconfig' } } as const;
const app = { teamId: 'T0123ABCD', appId: 'A0123ABCD', approvers: ['U0123ABCD'] };
const webhook = { ssmParameter: '/afr/prod/slack-webhook' };

describe('slack.app', () => {
  it('fills its defaults: 24h buttons, every action, one approver, Slack as the only response_url origin', () => {
    const c = parseConfig({ clusters: [cluster], slack: { webhook, app } }, 'test');
    expect(c.slack?.app).toEqual({ ...app, requireTwoApproversFor: [], approvalTtl: '24h', actions: ['rearm', 'complete', 'remove', 'snooze', 'deny'], responseUrlOrigins: ['https://hooks.slack.com'] });
  });

  it.each([
    ['a user name instead of an id', { ...app, approvers: ['@dana'] }, 'slack.app.approvers[0]: must be a Slack user id'],
    ['no approver', { ...app, approvers: [] }, 'slack.app.approvers'],
    ['a bad team id', { ...app, teamId: 'acme' }, 'slack.app.teamId'],
    ['an unknown two-person rule', { ...app, requireTwoApproversFor: ['everything'] }, 'slack.app.requireTwoApproversFor[0]'],
    ['an unknown action', { ...app, actions: ['delete-bucket'] }, 'slack.app.actions[0]'],
    ['a TTL over 7 days', { ...app, approvalTtl: '8d' }, 'slack.app.approvalTtl: must be at most 7d'],
    ['a secret given two ways', { ...app, signingSecret: { ssmParameter: '/a', value: 'x' } }, 'slack.app.signingSecret: must be exactly one of'],
    ['a typo', { ...app, approver: ['U0123ABCD'] }, 'slack.app.approver: unknown key'],
  ])('rejects %s', (_what, a, expected) => {
    expect(() => parseConfig({ clusters: [cluster], slack: { webhook, app: a } }, 'test')).toThrow(ConfigError);
    try {
      parseConfig({ clusters: [cluster], slack: { webhook, app: a } }, 'test');
    } catch (err) {
      expect((err as Error).message).toContain(expected);
    }
  });

  it('takes its secrets from the parameters serverless.yml created when the document names none', async () => {
    clearConfigCache();
    const c = await loadConfigFromEnv({
      AFR_CONFIG: JSON.stringify({ clusters: [cluster], slack: { webhook, app } }),
      SLACK_SIGNING_SECRET_SSM_PARAM: '/afr/prod/slack-signing-secret',
      SLACK_BUTTON_KEY_SSM_PARAM: '/afr/prod/slack-button-key',
    });
    expect(c.slack?.app?.signingSecret).toEqual({ ssmParameter: '/afr/prod/slack-signing-secret' });
    expect(c.slack?.app?.buttonKey).toEqual({ ssmParameter: '/afr/prod/slack-button-key' });
    clearConfigCache();
  });

  it('warns when a secret value sits in the document itself', () => {
    const warn = vi.fn();
    parseConfig({ clusters: [cluster], slack: { webhook, app: { ...app, signingSecret: { value: 'local-secret-1234567890' } } } }, 'test', warn);
    expect(warn.mock.calls[0]![0]).toContain('signing secret or button key');
    expect(warn.mock.calls[0]![0]).not.toContain('local-secret-1234567890');
  });

  it('reads one secret per line (current, previous) and registers each with the redactor', async () => {
    const got = await readSecretRef({ ssmParameter: '/x' }, async () => 'current-secret-abcdefgh\nprevious-secret-ijklmnop\n');
    expect(got).toEqual(['current-secret-abcdefgh', 'previous-secret-ijklmnop']);
    expect(redactString('a current-secret-abcdefgh b previous-secret-ijklmnop')).toBe('a [REDACTED] b [REDACTED]');
  });

  it('has no settings without an app, and reads only the secrets asked for', async () => {
    expect(await approvalSettings({ slack: undefined }, { getParameter: async () => '', need: { signingSecrets: true, buttonKeys: true } })).toBeUndefined();
    const getParameter = vi.fn(async () => 'button-key-0123456789abcdef0123456789');
    const c = parseConfig({ clusters: [cluster], slack: { webhook, app: { ...app, signingSecret: { ssmParameter: '/s' }, buttonKey: { ssmParameter: '/k' } } } }, 'test');
    const s = await approvalSettings(c, { getParameter, need: { signingSecrets: false, buttonKeys: true } });
    expect(getParameter.mock.calls).toEqual([['/k']]);
    expect(s).toMatchObject({ signingSecrets: [], buttonKeys: ['button-key-0123456789abcdef0123456789'], ttlMs: 86_400_000 });
  });

  it('posts to a response_url only on an allowed origin', () => {
    expect(responseUrlAllowed('https://hooks.slack.com/actions/T/1/x', ['https://hooks.slack.com'])).toBe(true);
    expect(responseUrlAllowed('https://hooks.slack.com.evil.example/actions', ['https://hooks.slack.com'])).toBe(false);
    expect(responseUrlAllowed('http://169.254.169.254/latest/meta-data', ['https://hooks.slack.com'])).toBe(false);
    expect(responseUrlAllowed('not a url', ['https://hooks.slack.com'])).toBe(false);
  });
});
