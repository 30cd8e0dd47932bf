import { describe, expect, it } from 'vitest';
import { digestMessage, groupMessage, shouldNotify } from '../../../src/notify/messages.js';
import { checkSlackLimits } from '../../../src/notify/slack-message.js';
import { gcFailedDecision, variants } from './fixtures.js';

describe('Slack: finishing actions and their results', () => {
  it('a completion lists every object deleted, with its size, ETag and delete marker, and the intent record', () => {
    const d = gcFailedDecision({
      action: 'none',
      outcome: 'finishing complete: completed: artifacts marked deleted',
      finishing: {
        action: 'complete', outcome: 'completed: artifacts marked deleted', applied: true, reasons: [],
        deleted: [{ bucket: 'data-artifacts', key: 'etl/u/report.csv', size: 12, etag: '"abc"', deleteMarkerVersionId: 'v-1' }],
        deletedCount: 1, deletedBytes: 12, intentKey: 'intent/cluster=prod-eu-1/x.intent.json',
      },
    });
    expect(shouldNotify(d)).toBe(true);
    const text = JSON.stringify(groupMessage([d]));
    expect(text).toContain('Finishing GC');
    expect(text).toContain('s3://data-artifacts/etl/u/report.csv');
    expect(text).toContain('delete marker');
    expect(text).toContain('intent/cluster=prod-eu-1/x.intent.json');
    expect(checkSlackLimits(groupMessage([d]))).toEqual([]);
  });

  it('a re-arm (verdict wait afterwards) is still reported, with its attempt and the task deleted', () => {
    const d = gcFailedDecision({
      verdict: 'wait',
      action: 'none',
      finishing: { action: 'rearm', outcome: 'rearmed', applied: true, reasons: [], rearm: { attempt: 1, strategies: ['OnWorkflowDeletion'], tasksDeleted: ['etl-run-q8h2d-artgc-wfdel-1-0'] } },
    });
    expect(shouldNotify(d)).toBe(true);
    const text = JSON.stringify(groupMessage([d]));
    expect(text).toContain('re-arm attempt 1');
    expect(text).toContain('etl-run-q8h2d-artgc-wfdel-1-0');
  });

  it("a digest of several Workflows shows each Workflow's finishing action on its line, and what it deleted", () => {
    const [a, b, c] = variants(gcFailedDecision, 3);
    const completed = {
      ...a!,
      action: 'none' as const,
      finishing: {
        action: 'complete' as const, outcome: 'completed: artifacts marked deleted', applied: true, reasons: [],
        deleted: [{ bucket: 'data-artifacts', key: 'etl/u1/report.csv', size: 12, etag: '"abc"' }, { bucket: 'data-artifacts', key: 'etl/u1/main.log', size: 30, deleteMarkerVersionId: 'v-7' }],
        deletedCount: 2, deletedBytes: 42, intentKey: 'intent/cluster=prod-eu-1/y.intent.json',
      },
    };
    const rearmed = { ...b!, verdict: 'wait' as const, action: 'none' as const, finishing: { action: 'rearm' as const, outcome: 'rearmed', applied: true, reasons: [], rearm: { attempt: 2, strategies: ['OnWorkflowDeletion'], tasksDeleted: ['wf-artgc-wfdel-1-0'] } } };
    const msg = digestMessage([completed, rearmed, c!]);
    expect(checkSlackLimits(msg)).toEqual([]);
    const text = JSON.stringify(msg.blocks);
    const lineOf = (name: string) => text.split('\\n').find((l) => l.includes(name) && l.includes(': '))!;
    expect(lineOf(completed.workflow.name)).toContain('finishing `complete`: completed: artifacts marked deleted (2 object(s), 42 B deleted)');
    expect(lineOf(rearmed.workflow.name)).toContain('finishing `rearm`: rearmed (re-arm attempt 2, 1 GC task(s) deleted)');
    expect(lineOf(c!.workflow.name)).not.toContain('finishing');
    expect(text).toContain('*Finishing GC*');
    expect(text).toContain('deleted `s3://data-artifacts/etl/u1/report.csv` (12 B, ETag \\"abc\\")');
    expect(text).toContain('delete marker `v-7`');
    expect(text).toContain('GC task `wf-artgc-wfdel-1-0` deleted (re-arm attempt 2)');
    expect(text).toContain('intent record `intent/cluster=prod-eu-1/y.intent.json`');
  });

  it('a digest whose Workflows deleted thousands of objects stays within Slack limits', () => {
    const many = variants(gcFailedDecision, 30).map((d, i) => ({
      ...d,
      finishing: { action: 'complete' as const, outcome: 'completed: finalizer removed', applied: true, reasons: [], deleted: Array.from({ length: 200 }, (_, k) => ({ bucket: 'b', key: `wf-${i}/${'k'.repeat(200)}-${k}`, size: k, etag: `"${k}"` })), deletedCount: 5000, deletedBytes: 1e9 },
    }));
    const msg = digestMessage(many);
    expect(checkSlackLimits(msg)).toEqual([]);
    expect(JSON.stringify(msg.blocks)).toMatch(/…and \d+ more/);
  });
});
