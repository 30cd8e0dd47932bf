import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { notifySettingsFromConfig } from '../../../src/notify/config.js';
import { episodeKey } from '../../../src/notify/episodes.js';
import { groupMessage, notifyMessage, shouldNotify } from '../../../src/notify/messages.js';
import { gcFailedDecision } from './fixtures.js';

const cluster = (name: string, argoUiUrl?: string) => ({ name, auth: { type: 'kubeconfig' }, ...(argoUiUrl ? { argoUiUrl } : {}) });

describe('notify settings from the deployed configuration', () => {
  it('maps slack.webhook to the variable the webhook source reads', () => {
    for (const [webhook, env] of [
      [{ ssmParameter: '/afr/prod/slack' }, { SLACK_WEBHOOK_SSM_PARAM: '/afr/prod/slack' }],
      [{ secretId: 'afr/slack' }, { SLACK_WEBHOOK_SECRET_ID: 'afr/slack' }],
    ] as const) {
      const config = parseConfig({ clusters: [cluster('prod')], slack: { webhook } }, 'test');
      expect(notifySettingsFromConfig(config).env).toEqual(env);
    }
    expect(notifySettingsFromConfig(parseConfig({ clusters: [cluster('prod')] }, 'test')).env).toEqual({});
  });

  it('links each Workflow to its own cluster\'s Argo UI', () => {
    const config = parseConfig({ clusters: [cluster('prod', 'https://argo.prod.example.com'), cluster('dev')] }, 'test');
    const { argoUiUrl } = notifySettingsFromConfig(config);
    expect([argoUiUrl('prod'), argoUiUrl('dev')]).toEqual(['https://argo.prod.example.com', undefined]);
    const d = gcFailedDecision();
    const text = JSON.stringify(notifyMessage({ ...d, cluster: 'prod' }, { argoUiUrl }));
    expect(text).toContain(`https://argo.prod.example.com/workflows/${d.workflow.namespace}/${d.workflow.name}`);
    expect(JSON.stringify(notifyMessage({ ...d, cluster: 'dev' }, { argoUiUrl }))).not.toContain('https://argo.');
  });
});

describe('what reaches Slack', () => {
  it('a removal a notify-only namespace hands to a human does, and says it was not done', () => {
    const d = { ...gcFailedDecision(), verdict: 'remove' as const, cause: 'no-pending-artifacts' as const, action: 'notified' as const, mode: 'notify-only' as const, notifyOperator: false };
    expect(shouldNotify(d)).toBe(true);
    const text = JSON.stringify(groupMessage([d]));
    expect(text).toContain('Safe to remove (notify-only)');
    expect(text).not.toContain(':white_check_mark: Removed');
  });

  it('a dry-run message and the real removal are different episodes', () => {
    const d = gcFailedDecision();
    expect(episodeKey({ ...d, action: 'would-remove' })).not.toBe(episodeKey({ ...d, action: 'removed' }));
    expect(episodeKey({ ...d, action: 'notified' })).toBe(episodeKey({ ...d, action: 'would-remove' }));
  });
});
