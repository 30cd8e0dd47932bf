// Decisions: their id and their schema.
// The decision id names one audit object (write-once): retries of one decision must share it, and two different
// decisions on the same Workflow (a dry run and a removal, a deferral and the removal that follows) must not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decision, decisionId } from '../../../src/domain/decision.js';
import { noPendingRemovalDecision } from '../notify/fixtures.js';

const base = { cluster: 'prod-eu-1', uid: '0f6c2a9b-51e4-4b3e-9d1a-7c2f9e8b4d21', resourceVersion: '5512', verdict: 'remove', cause: 'no-pending-artifacts', mode: 'remediate', action: 'removed' };
type Parts = typeof base;

describe('decisionId', () => {
  it('is the same for a retry of the same decision', () => {
    expect(decisionId({ ...base })).toBe(decisionId(base));
    expect(decisionId(base)).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([
    ['a dry run and the real removal that follows', { mode: 'dry-run', action: 'would-remove' }],
    ['a deferred removal (cap reached) and the removal that follows', { action: 'none' }],
    ['a notify-only hand-over and a removal', { mode: 'notify-only', action: 'notified' }],
    ['the same decision on a newer resourceVersion', { resourceVersion: '5513' }],
    ['a namesake recreated with another uid', { uid: '11111111-2222-4333-8444-555555555555' }],
    ['another cluster', { cluster: 'prod-us-1' }],
    ['another verdict', { verdict: 'notify' }],
    ['another cause', { cause: 'gc-succeeded-unrecouped' }],
  ] as [string, Partial<Parts>][])('tells apart %s', (_what, change) => {
    expect(decisionId({ ...base, ...change })).not.toBe(decisionId(base));
  });

  it('changing any single part, to any value, names another record; parts cannot bleed into each other', () => {
    const keys = Object.keys(base) as (keyof Parts)[];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.string({ maxLength: 12 }), (key, value) => {
        fc.pre(value !== base[key]);
        expect(decisionId({ ...base, [key]: value })).not.toBe(decisionId(base));
      }),
      { numRuns: 500, seed: 20261201 },
    );
    // Shifting text from one part to the next is another decision, not the same bytes.
    expect(decisionId({ ...base, verdict: 'remove', cause: 'x' })).not.toBe(decisionId({ ...base, verdict: 'removex', cause: '' }));
  });

  it('an absent uid, resourceVersion, mode or action is not the same as any of them given', () => {
    for (const key of ['uid', 'resourceVersion', 'mode', 'action'] as const) {
      expect(decisionId({ ...base, [key]: undefined }), key).not.toBe(decisionId(base));
    }
  });
});

describe('Decision, read back from its event (notify, audit)', () => {
  it('keeps who approved it and what verify found in each bucket, field by field', () => {
    const d: Decision = {
      ...noPendingRemovalDecision(),
      approvedBy: [{ id: 'U024BE7LH', name: 'ana', at: '2026-08-20T12:01:00Z' }],
      finishing: { action: 'verify', outcome: 'absent', applied: true, reasons: ['nothing there'], checks: [{ node: 'n-1', name: 'report', result: 'absent', bucket: 'data-artifacts', key: 'etl/report.csv' }] },
    };
    expect(Decision.parse(JSON.parse(JSON.stringify(d)))).toEqual(d);
  });
});
