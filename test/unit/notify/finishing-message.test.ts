import { describe, expect, it } from 'vitest';
import { groupMessage, shouldNotify } from '../../../src/notify/messages.js';
import { checkSlackLimits } from '../../../src/notify/slack-message.js';
import { gcFailedDecision } from './fixtures.js';

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
});
