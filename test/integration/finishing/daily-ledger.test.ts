// The per-day finishing caps (README "Finishing GC", invariant 7) on S3 conditional writes in the audit bucket:
// moto_server behind the recording proxy (test/helpers/moto.ts) answers If-Match / If-None-Match with 412 as S3
// does, so the races here are real ones on the wire. And the folder twin the CLI and the demo use.
import { GetObjectCommand, CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { LedgerDocument } from '../../../src/domain/daily-ledger.js';
import { CasDailyLedger, FolderVersionedStore, ledgerKey, S3VersionedStore, type VersionedStore } from '../../../src/finishing/ledger.js';
import { withMoto } from '../../helpers/moto.js';

const AUDIT = 'afr-audit-ledger';
const DAY = '2026-12-01';
const CAPS = { objectsPerDay: 10, bytesPerDay: 1_000_000 };
const KEY = ledgerKey('prod', DAY);

/** Holds every read until `n` reads have happened: both writers then write on the same version (a real race). */
function barrier(n: number) {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return async () => {
    if (++arrived >= n) open();
    await opened;
  };
}

function afterReads(store: VersionedStore, wait: () => Promise<void>, times = 1): VersionedStore {
  let left = times;
  return {
    location: store.location,
    read: async (key) => {
      const got = await store.read(key);
      if (left-- > 0) await wait();
      return got;
    },
    write: (key, body, expected) => store.write(key, body, expected),
  };
}

describe('daily ledger on S3 (moto_server)', () => {
  const fx = withMoto();
  const clients: S3Client[] = [];
  const client = () => {
    // The SDK's own retries (3 attempts) are what "retried" means for a passing S3 failure.
    const c = new S3Client({ ...fx.moto.clientConfig, maxAttempts: 3, retryStrategy: undefined });
    clients.push(c);
    return c;
  };
  const store = () => new S3VersionedStore({ client: client(), bucket: AUDIT });
  const doc = async () => LedgerDocument.parse(JSON.parse(await (await client().send(new GetObjectCommand({ Bucket: AUDIT, Key: KEY }))).Body!.transformToString()));
  const ledgerPuts = () => fx.moto.callsTo('S3.PUT').filter((c) => c.path.includes('/ledger/'));
  afterAll(() => clients.forEach((c) => c.destroy()));
  beforeEach(async () => {
    await fx.moto.reset();
    await client().send(new CreateBucketCommand({ Bucket: AUDIT }));
  });

  it('reserves within the day, refuses what would pass it, and counts a redelivered action once', async () => {
    const ledger = new CasDailyLedger(store());
    expect(await ledger.reserve('prod', DAY, 'decision-a', 6, 600, CAPS)).toEqual({ ok: true });
    expect(await ledger.reserve('prod', DAY, 'decision-a', 6, 600, CAPS)).toEqual({ ok: true });
    const refused = await ledger.reserve('prod', DAY, 'decision-b', 5, 10, CAPS);
    expect(refused).toMatchObject({ ok: false, transient: false, reason: expect.stringContaining('finishing.caps.objectsPerDay 10 for prod on 2026-12-01 (6 used)') });
    expect(await ledger.reserve('prod', DAY, 'decision-c', 4, 400, CAPS)).toEqual({ ok: true });
    expect(await doc()).toMatchObject({ objects: 10, bytes: 1000, reservations: { 'decision-a': { objects: 6 }, 'decision-c': { objects: 4 } } });
    // The first write is If-None-Match: *, each later one If-Match on the ETag just read; the repeat wrote nothing.
    const puts = ledgerPuts();
    expect(puts).toHaveLength(2);
    expect(puts[0]!.headers['if-none-match']).toBe('*');
    expect(puts[1]!.headers['if-match']).toMatch(/^"[0-9a-f]{32}"$/);
    // Another day, another cluster: their own budgets.
    expect(await ledger.reserve('prod', '2026-12-02', 'decision-d', 10, 1, CAPS)).toEqual({ ok: true });
    expect(await ledger.reserve('staging', DAY, 'decision-e', 10, 1, CAPS)).toEqual({ ok: true });
    expect(await ledger.reserve('prod', DAY, 'decision-f', 1, 1, { objectsPerDay: 100, bytesPerDay: 1000 })).toMatchObject({ ok: false, reason: expect.stringContaining('bytesPerDay 1000') });
  });

  it('two writers on the same version, the last 6 of 10 each: one wins (412 for the other), which re-reads and is refused', async () => {
    const wait = barrier(2);
    const a = new CasDailyLedger(afterReads(store(), wait));
    const b = new CasDailyLedger(afterReads(store(), wait));
    await new CasDailyLedger(store()).reserve('prod', DAY, 'earlier', 4, 4, CAPS);
    const answers = await Promise.all([a.reserve('prod', DAY, 'writer-a', 6, 6, CAPS), b.reserve('prod', DAY, 'writer-b', 6, 6, CAPS)]);
    expect(answers.filter((x) => x.ok)).toHaveLength(1);
    expect(answers.find((x) => !x.ok)).toMatchObject({ transient: false, reason: expect.stringContaining('(10 used)') });
    // The earlier reservation's write first; the two racing writes are recorded in the order their answers arrive.
    const [earlier, ...racing] = ledgerPuts().map((c) => c.status);
    expect(earlier).toBe(200);
    expect(racing.sort()).toEqual([200, 412]);
    expect((await doc()).objects).toBe(10);
  });

  it('two first writers of the day (no document yet): If-None-Match lets one in; both fit, so the loser re-reads and adds to it', async () => {
    const wait = barrier(2);
    const a = new CasDailyLedger(afterReads(store(), wait));
    const b = new CasDailyLedger(afterReads(store(), wait));
    const answers = await Promise.all([a.reserve('prod', DAY, 'writer-a', 3, 30, CAPS), b.reserve('prod', DAY, 'writer-b', 3, 30, CAPS)]);
    expect(answers).toEqual([{ ok: true }, { ok: true }]);
    // The two racing creates (one 200, one 412, in the order their answers arrive), then the loser's re-write.
    const statuses = ledgerPuts().map((c) => c.status);
    expect(statuses.slice(0, 2).sort()).toEqual([200, 412]);
    expect(statuses.slice(2)).toEqual([200]);
    expect(await doc()).toMatchObject({ objects: 6, bytes: 60, reservations: { 'writer-a': { objects: 3 }, 'writer-b': { objects: 3 } } });
  });

  it('a passing S3 failure is retried; one that lasts refuses the reservation (transient) and writes nothing', async () => {
    const ledger = new CasDailyLedger(store());
    fx.moto.faults.push({ operation: 'S3.PUT', path: /\/ledger\//, times: 1, error: { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' } });
    expect(await ledger.reserve('prod', DAY, 'after-one-503', 2, 2, CAPS)).toEqual({ ok: true });
    expect(ledgerPuts().map((c) => c.status)).toEqual([503, 200]);

    fx.moto.faults.push({ operation: 'S3.PUT', path: /\/ledger\//, times: 3, error: { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' } });
    const refused = await ledger.reserve('prod', DAY, 'three-503s', 2, 2, CAPS);
    expect(refused).toMatchObject({ ok: false, transient: true, reason: expect.stringContaining('unavailable') });
    fx.moto.faults.push({ operation: 'S3.GET', path: /\/ledger\//, times: 3, error: { status: 500, code: 'InternalError', message: 'We encountered an internal error.' } });
    expect(await ledger.reserve('prod', DAY, 'read-fails', 2, 2, CAPS)).toMatchObject({ ok: false, transient: true });
    expect((await doc()).reservations).toEqual({ 'after-one-503': expect.objectContaining({ objects: 2 }) });
  });

  it('an unreadable document is never guessed at: every reservation is refused', async () => {
    const s = store();
    await s.write(KEY, '{"not": "a ledger"}', undefined);
    expect(await new CasDailyLedger(s).reserve('prod', DAY, 'x', 1, 1, CAPS)).toMatchObject({ ok: false, transient: false, reason: expect.stringContaining('not readable') });
  });
});

describe('daily ledger in a folder (CLI, demo)', () => {
  it('the same compare-and-swap: of two writers of one version, one gets EEXIST and re-reads', async () => {
    const root = mkdtempSync(join(tmpdir(), 'afr-ledger-'));
    const wait = barrier(2);
    const a = new CasDailyLedger(afterReads(new FolderVersionedStore(root), wait));
    const b = new CasDailyLedger(afterReads(new FolderVersionedStore(root), wait));
    const answers = await Promise.all([a.reserve('prod', DAY, 'writer-a', 6, 6, CAPS), b.reserve('prod', DAY, 'writer-b', 6, 6, CAPS)]);
    expect(answers.filter((x) => x.ok)).toHaveLength(1);
    const latest = await new FolderVersionedStore(root).read(KEY);
    expect(LedgerDocument.parse(JSON.parse(latest!.body)).objects).toBe(6);
  });

  it('property: however many concurrent reservations, the day never passes its caps and every granted one is recorded', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ objects: fc.integer({ min: 0, max: 6 }), bytes: fc.integer({ min: 0, max: 50 }), repeat: fc.boolean() }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 120 }),
        async (asks, objectsPerDay, bytesPerDay) => {
          const root = mkdtempSync(join(tmpdir(), 'afr-ledger-prop-'));
          const caps = { objectsPerDay, bytesPerDay };
          // Each writer its own ledger (its own invocation); a "repeat" is the previous action redelivered.
          const ids = asks.map((x, i) => (x.repeat && i > 0 ? `action-${i - 1}` : `action-${i}`));
          const answers = await Promise.all(asks.map((x, i) => new CasDailyLedger(new FolderVersionedStore(root)).reserve('prod', DAY, ids[i]!, asks[ids[i] === `action-${i}` ? i : i - 1]!.objects, asks[ids[i] === `action-${i}` ? i : i - 1]!.bytes, caps)));
          const latest = await new FolderVersionedStore(root).read(KEY);
          const d = latest ? LedgerDocument.parse(JSON.parse(latest.body)) : { objects: 0, bytes: 0, reservations: {} as Record<string, unknown> };
          expect(d.objects).toBeLessThanOrEqual(objectsPerDay);
          expect(d.bytes).toBeLessThanOrEqual(bytesPerDay);
          answers.forEach((ans, i) => {
            if (ans.ok) expect(d.reservations[ids[i]!], ids[i]).toBeDefined();
            else expect(ans.transient === false || ans.reason.includes('races')).toBe(true);
          });
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);
});
