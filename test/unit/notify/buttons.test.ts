import { describe, expect, it } from 'vitest';
import { approvalOffer } from '../../../src/approvals/offer.js';
import { RemediatorConfig } from '../../../src/config/schema.js';
import { ApprovalAction, pendingDigest } from '../../../src/domain/approval.js';
import { verifyButtonValue } from '../../../src/domain/button-value.js';
import type { Decision } from '../../../src/domain/decision.js';
import { actionButtons, type ButtonSettings } from '../../../src/notify/buttons.js';
import { digestMessage, groupMessage, MAX_BUTTON_ROWS, notifyMessage } from '../../../src/notify/messages.js';
import { type Block, checkSlackLimits } from '../../../src/notify/slack-message.js';
import { forceRemovalDecision, gcFailedDecision, gcPodStuckDecision, variants } from './fixtures.js';

const KEY = 'button-key-for-message-tests-0123456789abcdef';
const NOW = Date.parse('2026-08-18T12:05:00Z');
const ALL = new Set(ApprovalAction.options);
const UID = '0f6c2a9b-51e4-4b3e-9d1a-7c2f9e8b4d21';
/** prod-eu-1 remediates; finishing per namespace as the test says, data-artifacts allow-listed per Workflow. */
function configWith(finishing: Record<string, unknown> = {}): RemediatorConfig {
  return RemediatorConfig.parse({
    clusters: [{ name: 'prod-eu-1', auth: { type: 'kubeconfig' }, mode: 'remediate' }],
    finishing: { buckets: [{ bucket: 'data-artifacts', keyPrefixes: ['etl/{{workflow.uid}}/', '{{workflow.name}}/'] }], ...finishing },
  });
}
const settingsFor = (config: RemediatorConfig, actions: ReadonlySet<ApprovalAction> = ALL): ButtonSettings => ({
  keys: [KEY],
  ttlMs: 86_400_000,
  offer: (d, whole) => approvalOffer(config, actions, d.cluster, d, { whole }),
  now: () => NOW,
});
/** Re-arm and completion on approval; what the other tests assume unless they say otherwise. */
const settings = settingsFor(configWith({ defaults: { rearm: 'approval', complete: 'approval' } }));
/** The gc-failed fixture with exact storage, as the resolver gives it: two objects and one prefix, all allow-listed. */
const withStorage = (d: Decision): Decision => ({
  ...d,
  pendingArtifacts: [
    { ...d.pendingArtifacts[0]!, storage: { driver: 's3', bucket: 'data-artifacts', key: `etl/${UID}/report.csv` } },
    { ...d.pendingArtifacts[1]!, storage: { driver: 's3', bucket: 'data-artifacts', key: 'etl-run-q8h2d/etl-run-q8h2d/main.log' } },
    { node: 'etl-run-q8h2d', name: 'plots', strategy: 'OnWorkflowDeletion', location: 's3://data-artifacts/etl-run-q8h2d/plots/', storage: { driver: 's3', bucket: 'data-artifacts', key: 'etl-run-q8h2d/plots/' } },
  ],
});
const withDigest = (d: Decision): Decision => ({ ...d, pendingDigest: pendingDigest(d.pendingArtifacts) });
type Actions = Extract<Block, { type: 'actions' }>;
const actionsOf = (blocks: Block[]) => blocks.filter((b): b is Actions => b.type === 'actions');

describe('approval buttons on notify messages', () => {
  it('offers Retry GC, Remove finalizer (orphans N), Snooze and Deny for gc-failed, each value signed for this state', () => {
    const d = withDigest(gcFailedDecision());
    const msg = notifyMessage(d, { buttons: settings });
    expect(checkSlackLimits(msg)).toEqual([]);
    const [block] = actionsOf(msg.blocks);
    expect(block!.elements.map((e) => e.text.text)).toEqual(['Retry GC', 'Remove finalizer (orphans 2)', 'Snooze 24h', 'Deny']);
    for (const e of block!.elements) {
      const checked = verifyButtonValue(e.value, [KEY], NOW);
      expect(checked).toMatchObject({ ok: true, claim: { c: 'prod-eu-1', ns: 'data', n: 'etl-run-q8h2d', uid: d.workflow.uid, cause: 'gc-failed', pend: d.pendingDigest, pc: 2, d: d.decisionId, exp: NOW / 1000 + 86_400 } });
      expect(e.value).not.toContain(KEY);
    }
  });

  it('puts a confirm dialog on every destructive button naming what it does, and none on snooze or deny', () => {
    const [block] = actionsOf(notifyMessage(withDigest(gcFailedDecision()), { buttons: settings }).blocks);
    const byId = Object.fromEntries(block!.elements.map((e) => [e.action_id, e]));
    expect(byId['afr.remove']!.style).toBe('danger');
    expect(byId['afr.remove']!.confirm!.text.text).toMatch(/Removes only workflows\.argoproj\.io\/artifact-gc from data\/etl-run-q8h2d\. Orphans 2 artifact\(s\) in s3:\/\/data-artifacts/);
    expect(byId['afr.rearm']!.confirm!.text.text).toContain('re-runs GC for 2 artifacts (attempt 1 of 2)');
    expect(byId['afr.snooze']!.confirm).toBeUndefined();
    expect(byId['afr.deny']!.confirm).toBeUndefined();
  });

  it('offers Complete from AWS when the finishing policy allows it, its dialog naming what it deletes and where', () => {
    const d = withDigest(withStorage(gcFailedDecision()));
    const ids = (s: ButtonSettings, x = d) => actionButtons(x, s)!.elements.map((e) => e.action_id);
    expect(ids(settings)).toEqual(['afr.rearm', 'afr.complete', 'afr.remove', 'afr.snooze', 'afr.deny']);
    const complete = actionButtons(d, settings)!.elements.find((e) => e.action_id === 'afr.complete')!;
    expect(complete.style).toBe('primary');
    expect(complete.confirm!.text.text).toBe(
      `Deletes 2 objects and everything under 1 prefix in s3://data-artifacts/etl/${UID}/, s3://data-artifacts/etl-run-q8h2d/ for data/etl-run-q8h2d, ` +
        'checks each is gone, then lets the finalizer go. Never deletes an object version. Done only if the Workflow is unchanged.',
    );
    expect(checkSlackLimits(notifyMessage(d, { buttons: settings }))).toEqual([]);
    const rearm = actionButtons(d, settings)!.elements.find((e) => e.action_id === 'afr.rearm')!;
    expect(rearm.confirm!.text.text).toContain('re-runs GC for 3 artifacts (attempt 1 of 2)');
  });

  it('offers neither re-arm nor completion where the finishing policy would not let an approval act', () => {
    const d = withDigest(withStorage(gcFailedDecision()));
    const ids = (s: ButtonSettings, x = d) => actionButtons(x, s)!.elements.map((e) => e.action_id);
    const finishingOff = ['afr.remove', 'afr.snooze', 'afr.deny'];
    // Default: every finishing action off.
    expect(ids(settingsFor(configWith()))).toEqual(finishingOff);
    // Off in this namespace, on elsewhere.
    expect(ids(settingsFor(configWith({ defaults: { rearm: 'approval', complete: 'approval' }, clusters: { 'prod-eu-1': { namespaces: { data: { rearm: 'off', complete: 'off' } } } } })))).toEqual(finishingOff);
    // A dry-run cluster: an approved action would only report, so it is not offered.
    const dry = RemediatorConfig.parse({ ...configWith({ defaults: { rearm: 'approval', complete: 'approval' } }), clusters: [{ name: 'prod-eu-1', auth: { type: 'kubeconfig' }, mode: 'dry-run' }] });
    expect(ids(settingsFor(dry))).toEqual(finishingOff);
    // One artifact outside the allow-list (another bucket): no completion; re-arm still.
    const foreign = withDigest({ ...d, pendingArtifacts: [...d.pendingArtifacts, { node: 'n', name: 'x', strategy: 'OnWorkflowDeletion', location: 's3://other/x', storage: { driver: 's3', bucket: 'other', key: 'etl-run-q8h2d/x' } }] });
    expect(ids(settings, foreign)).toEqual(['afr.rearm', 'afr.remove', 'afr.snooze', 'afr.deny']);
    // A MinIO endpoint is not AWS S3, whatever the bucket is called.
    const minio = withDigest({ ...d, pendingArtifacts: d.pendingArtifacts.map((a) => ({ ...a, storage: { ...a.storage!, endpoint: 'minio.local:9000' } })) });
    expect(ids(settings, minio)).not.toContain('afr.complete');
    // A list trimmed to fit the event cannot show every artifact allow-listed.
    const trimmed = { ...d, pendingDigest: pendingDigest([...d.pendingArtifacts, d.pendingArtifacts[0]!]) };
    expect(ids(settings, trimmed)).not.toContain('afr.complete');
    // Re-arm attempts used up: no Retry GC.
    const spent = withDigest({ ...d, evidence: { ...d.evidence, rearm: { count: 2, at: '2026-08-18T10:00:00Z' } } });
    expect(ids(settings, spent)).toEqual(['afr.complete', 'afr.remove', 'afr.snooze', 'afr.deny']);
    // slack.app.actions narrows what the finishing policy allows.
    expect(ids(settingsFor(configWith({ defaults: { rearm: 'approval', complete: 'approval' } }), new Set(['remove', 'deny'] as const)))).toEqual(['afr.remove', 'afr.deny']);
  });

  it('never offers a re-arm while a GC pod is running, and nothing but silence for nodes-unavailable', () => {
    expect(actionButtons(withDigest(gcPodStuckDecision()), settings)!.elements.map((e) => e.action_id)).toEqual(['afr.remove', 'afr.snooze', 'afr.deny']);
    const unreadable = withDigest(gcFailedDecision({ cause: 'nodes-unavailable' }));
    expect(actionButtons(unreadable, settings)!.elements.map((e) => e.action_id)).toEqual(['afr.snooze', 'afr.deny']);
  });

  it('offers only what the configuration allows, and nothing on a removal or without a digest', () => {
    const only = actionButtons(withDigest(gcFailedDecision()), settingsFor(configWith({ defaults: { rearm: 'approval' } }), new Set(['snooze', 'deny'] as const)));
    expect(only!.elements.map((e) => e.action_id)).toEqual(['afr.snooze', 'afr.deny']);
    expect(actionButtons(withDigest(forceRemovalDecision()), settings)).toBeUndefined();
    expect(actionButtons(gcFailedDecision(), settings)).toBeUndefined();
  });

  it('leaves messages exactly as they were without a Slack app', () => {
    const d = withDigest(gcFailedDecision());
    expect(notifyMessage(d, {})).toEqual(notifyMessage(d));
    expect(actionsOf(notifyMessage(d).blocks)).toEqual([]);
  });

  it('gives a digest one row of buttons per Workflow up to the cap, within every Slack limit', () => {
    const many = variants(gcFailedDecision, 40).map(withDigest);
    const msg = digestMessage(many, { buttons: settings });
    expect(checkSlackLimits(msg)).toEqual([]);
    const rows = actionsOf(msg.blocks);
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.length).toBeLessThanOrEqual(MAX_BUTTON_ROWS);
    expect(new Set(rows.map((r) => r.block_id)).size).toBe(rows.length);
    expect(JSON.stringify(msg.blocks)).toContain(`Buttons for the first ${rows.length} of 40 Workflows`);
    const few = groupMessage(variants(gcFailedDecision, 3).map(withDigest), { buttons: settings });
    expect(actionsOf(few.blocks)).toHaveLength(3);
    expect(checkSlackLimits(few)).toEqual([]);
  });
});

describe('checkSlackLimits on actions blocks', () => {
  const button = { type: 'button' as const, text: { type: 'plain_text' as const, text: 'Go' }, action_id: 'a', value: 'v' };
  it('catches what Slack refuses: too many elements, long text, long values, duplicate ids, a bad confirm', () => {
    const msg = (el: unknown[]) => ({ text: 't', blocks: [{ type: 'actions', elements: el }] as Block[] });
    expect(checkSlackLimits(msg(Array.from({ length: 26 }, (_, i) => ({ ...button, action_id: `a${i}` }))))).toEqual([expect.stringContaining('26 elements')]);
    expect(checkSlackLimits(msg([{ ...button, text: { type: 'plain_text', text: 'x'.repeat(76) } }]))[0]).toContain('max 75');
    expect(checkSlackLimits(msg([{ ...button, value: 'x'.repeat(2001) }]))[0]).toContain('value length');
    expect(checkSlackLimits(msg([button, button]))[0]).toContain('duplicate action_id');
    const confirm = { title: { type: 'plain_text', text: 'T' }, text: { type: 'plain_text', text: 'x'.repeat(301) }, confirm: { type: 'plain_text', text: 'Y' }, deny: { type: 'plain_text', text: 'N' } };
    expect(checkSlackLimits(msg([{ ...button, confirm }]))[0]).toContain('confirm text');
  });
});
