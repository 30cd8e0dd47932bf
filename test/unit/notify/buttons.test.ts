import { describe, expect, it } from 'vitest';
import { ApprovalAction, pendingDigest } from '../../../src/domain/approval.js';
import { verifyButtonValue } from '../../../src/domain/button-value.js';
import type { Decision } from '../../../src/domain/decision.js';
import { actionButtons, type ButtonSettings } from '../../../src/notify/buttons.js';
import { digestMessage, groupMessage, MAX_BUTTON_ROWS, notifyMessage } from '../../../src/notify/messages.js';
import { type Block, checkSlackLimits } from '../../../src/notify/slack-message.js';
import { forceRemovalDecision, gcFailedDecision, gcPodStuckDecision, variants } from './fixtures.js';

const KEY = 'button-key-for-message-tests-0123456789abcdef';
const NOW = Date.parse('2026-08-18T12:05:00Z');
const settings: ButtonSettings = { keys: [KEY], ttlMs: 86_400_000, allowed: new Set(ApprovalAction.options), now: () => NOW };
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
    expect(byId['afr.rearm']!.confirm!.text.text).toContain('re-runs GC for 2 artifact(s)');
    expect(byId['afr.snooze']!.confirm).toBeUndefined();
    expect(byId['afr.deny']!.confirm).toBeUndefined();
  });

  it('offers Complete from AWS only when every artifact may be deleted from AWS', () => {
    const d = withDigest(gcFailedDecision());
    expect(actionButtons(d, settings)!.elements.map((e) => e.action_id)).not.toContain('afr.complete');
    const completable = actionButtons(d, { ...settings, completable: () => true })!;
    const complete = completable.elements.find((e) => e.action_id === 'afr.complete')!;
    expect(complete.confirm!.text.text).toContain('Deletes 2 object(s) in s3://data-artifacts');
  });

  it('never offers a re-arm while a GC pod is running, and nothing but silence for nodes-unavailable', () => {
    expect(actionButtons(withDigest(gcPodStuckDecision()), settings)!.elements.map((e) => e.action_id)).toEqual(['afr.remove', 'afr.snooze', 'afr.deny']);
    const unreadable = withDigest(gcFailedDecision({ cause: 'nodes-unavailable' }));
    expect(actionButtons(unreadable, settings)!.elements.map((e) => e.action_id)).toEqual(['afr.snooze', 'afr.deny']);
  });

  it('offers only what the configuration allows, and nothing on a removal or without a digest', () => {
    const only = actionButtons(withDigest(gcFailedDecision()), { ...settings, allowed: new Set(['snooze', 'deny'] as const) });
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
