import { describe, expect, it } from 'vitest';
import { emptyLedger, LedgerDocument, reserveIn } from '../../../src/domain/daily-ledger.js';

// The per-day finishing caps (README "Finishing GC", invariant 7), the pure half: what fits and what the next
// document holds. The compare-and-swap on S3 is test/integration/finishing/daily-ledger.test.ts.
const CAPS = { objectsPerDay: 10, bytesPerDay: 1000 };
const AT = '2026-12-01T10:00:00.000Z';

describe('reserveIn: a day of finishing never passes its caps', () => {
  it('adds a reservation to what the day has used, under its id', () => {
    const first = reserveIn(emptyLedger('prod', '2026-12-01'), 'd-1', 3, 300, CAPS, AT);
    expect(first).toEqual({
      ok: true,
      next: { schemaVersion: 1, cluster: 'prod', day: '2026-12-01', objects: 3, bytes: 300, reservations: { 'd-1': { objects: 3, bytes: 300, at: AT } } },
    });
    const second = reserveIn(first.ok ? first.next! : emptyLedger('prod', '2026-12-01'), 'd-2', 2, 50, CAPS, '2026-12-01T11:00:00.000Z');
    expect(second.ok && second.next).toMatchObject({ objects: 5, bytes: 350, reservations: { 'd-1': { objects: 3 }, 'd-2': { objects: 2, bytes: 50 } } });
    expect(LedgerDocument.parse(second.ok && second.next)).toEqual(second.ok && second.next);
  });

  it('lets a reservation fill a cap exactly, and refuses one object or byte more, saying which cap and what was used', () => {
    const used = { ...emptyLedger('prod', '2026-12-01'), objects: 7, bytes: 600 };
    expect(reserveIn(used, 'd', 3, 400, CAPS, AT)).toMatchObject({ ok: true, next: { objects: 10, bytes: 1000 } });
    expect(reserveIn(used, 'd', 4, 0, CAPS, AT)).toEqual({
      ok: false,
      reason: '4 object(s) would pass finishing.caps.objectsPerDay 10 for prod on 2026-12-01 (7 used)',
    });
    expect(reserveIn(used, 'd', 0, 401, CAPS, AT)).toEqual({
      ok: false,
      reason: '401 byte(s) would pass finishing.caps.bytesPerDay 1000 for prod on 2026-12-01 (600 used)',
    });
  });

  it('counts a redelivered action once: its reservation fits without a new write, even on a full day', () => {
    const full = { ...emptyLedger('prod', '2026-12-01'), objects: 10, bytes: 1000, reservations: { 'd-1': { objects: 10, bytes: 1000, at: AT } } };
    expect(reserveIn(full, 'd-1', 10, 1000, CAPS, AT)).toEqual({ ok: true });
    expect(reserveIn(full, 'd-2', 1, 0, CAPS, AT).ok).toBe(false);
  });
});

describe('LedgerDocument: a document read back that is not a ledger is refused', () => {
  const good = { ...emptyLedger('prod', '2026-12-01'), objects: 1, bytes: 2, reservations: { d: { objects: 1, bytes: 2, at: AT } } };

  it('reads a well-formed document', () => {
    expect(LedgerDocument.parse(good)).toEqual(good);
  });

  it.each([
    ['another schema version', { ...good, schemaVersion: 2 }],
    ['no cluster', { ...good, cluster: undefined }],
    ['a day that is not YYYY-MM-DD', { ...good, day: '2026-12-1' }],
    ['a day with more around it', { ...good, day: 'x2026-12-01' }],
    ['a day with more after it', { ...good, day: '2026-12-01x' }],
    ['negative objects', { ...good, objects: -1 }],
    ['fractional bytes', { ...good, bytes: 1.5 }],
    ['negative bytes', { ...good, bytes: -1 }],
    ['fractional objects', { ...good, objects: 0.5 }],
    ['a reservation with negative objects', { ...good, reservations: { d: { objects: -1, bytes: 0, at: AT } } }],
    ['a reservation with fractional objects', { ...good, reservations: { d: { objects: 0.5, bytes: 0, at: AT } } }],
    ['a reservation with negative bytes', { ...good, reservations: { d: { objects: 0, bytes: -1, at: AT } } }],
    ['a reservation with fractional bytes', { ...good, reservations: { d: { objects: 0, bytes: 0.5, at: AT } } }],
    ['a reservation without its time', { ...good, reservations: { d: { objects: 0, bytes: 0 } } }],
    ['a reservation that is not an object', { ...good, reservations: { d: 3 } }],
  ])('%s', (_what, doc) => {
    expect(LedgerDocument.safeParse(doc).success).toBe(false);
  });
});
