import { describe, expect, it } from 'vitest';
import { decisionAuditKey, pathSegment, rejectedAuditKey, systemicAuditKey, utcDate } from '../../../src/audit/key.js';
import { gcFailedDecision } from '../notify/fixtures.js';

describe('audit keys', () => {
  it('lays a decision out exactly as the audit log section of the README says', () => {
    const d = gcFailedDecision();
    expect(decisionAuditKey(d)).toBe(
      `audit/cluster=prod-eu-1/date=2026-08-18/data/etl-run-q8h2d/0f6c2a9b-51e4-4b3e-9d1a-7c2f9e8b4d21/${d.decisionId}.json`,
    );
  });

  it('takes the date from decision.at in UTC, whatever offset it was written with', () => {
    const d = gcFailedDecision({ at: '2026-08-18T21:30:00-05:00' });
    expect(decisionAuditKey(d)).toContain('/date=2026-08-19/');
    expect(utcDate('2026-12-31T23:59:59.999Z')).toBe('2026-12-31');
  });

  it('uses "unknown" for a missing uid', () => {
    const d = gcFailedDecision({ workflow: { namespace: 'data', name: 'etl-run-q8h2d' } });
    expect(decisionAuditKey(d)).toMatch(/\/data\/etl-run-q8h2d\/unknown\/[0-9a-f]{32}\.json$/);
  });

  it('keeps every value inside its own segment', () => {
    expect(pathSegment('../../etc')).toBe('.._.._etc');
    expect(pathSegment('..')).toBe('unknown');
    expect(pathSegment('')).toBe('unknown');
    expect(pathSegment('a/b\\c d\u0000e')).toBe('a_b_c_d_e');
    const d = gcFailedDecision({ cluster: 'prod/eu=1', workflow: { namespace: 'data', name: 'x', uid: '../../u' } });
    const segments = decisionAuditKey(d).split('/');
    expect(segments).toHaveLength(7);
    expect(segments[1]).toBe('cluster=prod_eu_1');
    expect(segments[5]).toBe('.._.._u');
  });

  it('puts rejected signals and systemic alerts under their own names in the partition', () => {
    const digest = 'a'.repeat(64);
    expect(rejectedAuditKey({ at: '2026-08-18T00:00:00Z', payloadDigest: digest })).toBe(`audit/cluster=unknown/date=2026-08-18/_rejected/${digest}.json`);
    expect(systemicAuditKey({ cluster: 'c1', at: '2026-08-18T00:00:00Z', alertId: 'sweep-1' })).toBe('audit/cluster=c1/date=2026-08-18/_systemic/sweep-1.json');
  });

  it('refuses a timestamp it cannot date', () => {
    expect(() => decisionAuditKey(gcFailedDecision({ at: 'yesterday' }))).toThrow(/not a timestamp/);
  });
});
