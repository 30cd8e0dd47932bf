import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { writeFileOnce } from '../audit/file-sink.js';
import { pathSegment } from '../audit/key.js';
import { conditionalPut, encryptionParams, isNotFound } from '../audit/s3-conditional.js';
import { type DailyCaps, emptyLedger, LedgerDocument, reserveIn } from '../domain/daily-ledger.js';
import { EVIDENCE_S3_TIMEOUTS, type EvidenceLocation } from '../evidence/config.js';
import type { DailyLedger, LedgerAnswer } from './ports.js';

/**
 * One document per key, replaced only if it is still the version that was read (compare-and-swap). `lost`: another
 * writer replaced it first; anything else that fails throws.
 */
export interface VersionedStore {
  readonly location: string;
  read(key: string): Promise<{ body: string; version: string } | undefined>;
  /** `expected` undefined: only if there is no document yet. */
  write(key: string, body: string, expected: string | undefined): Promise<'written' | 'lost'>;
}

/** `ledger/cluster=<c>/date=<YYYY-MM-DD>/finishing.json` in the audit bucket (or folder). */
export function ledgerKey(cluster: string, day: string): string {
  return `ledger/cluster=${pathSegment(cluster)}/date=${pathSegment(day)}/finishing.json`;
}

/** Races lost in a row before giving up: each loss means another invocation just reserved, so it is re-read. */
const MAX_RACES = 8;

/**
 * The per-day caps on a versioned store (README "Finishing GC"): read the day's document, reserve, write it back
 * only if nobody else did meanwhile; a lost race is re-read and judged again. A store that cannot be read or
 * written (after the client's own retries) refuses the reservation: the action deletes nothing this time, and
 * the cap can never be passed because the ledger was unreachable.
 */
export class CasDailyLedger implements DailyLedger {
  constructor(
    private readonly store: VersionedStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async reserve(cluster: string, day: string, id: string, objects: number, bytes: number, caps: DailyCaps): Promise<LedgerAnswer> {
    const key = ledgerKey(cluster, day);
    for (let race = 0; race < MAX_RACES; race++) {
      let current: Awaited<ReturnType<VersionedStore['read']>>;
      try {
        current = await this.store.read(key);
      } catch (err) {
        return unavailable(this.store, key, err);
      }
      let doc: LedgerDocument;
      try {
        doc = current ? LedgerDocument.parse(JSON.parse(current.body)) : emptyLedger(cluster, day);
      } catch (err) {
        // Never guessed at: an unreadable ledger could hide what was already spent today.
        return { ok: false, reason: `daily ledger ${this.store.location}/${key} is not readable (${(err as Error).message.slice(0, 200)}); nothing deleted`, transient: false };
      }
      const r = reserveIn(doc, id, objects, bytes, caps, this.clock().toISOString());
      if (!r.ok) return { ...r, transient: false };
      if (!r.next) return { ok: true };
      try {
        if ((await this.store.write(key, JSON.stringify(r.next), current?.version)) === 'written') return { ok: true };
      } catch (err) {
        return unavailable(this.store, key, err);
      }
    }
    return { ok: false, reason: `daily ledger ${key}: lost ${MAX_RACES} races in a row to other invocations; nothing deleted, retried later`, transient: true };
  }
}

function unavailable(store: VersionedStore, key: string, err: unknown): LedgerAnswer {
  const e = err as Error;
  return { ok: false, reason: `daily ledger ${store.location}/${key} unavailable (${e.name}: ${(e.message ?? '').slice(0, 200)}); nothing deleted, retried later`, transient: true };
}

/** The audit bucket: GetObject for the ETag, then PutObject with If-Match (or If-None-Match: * for the first). */
export class S3VersionedStore implements VersionedStore {
  constructor(private readonly o: { client: S3Client; bucket: string; kmsKeyId?: string | undefined }) {}

  get location(): string {
    return `s3://${this.o.bucket}`;
  }

  async read(key: string): Promise<{ body: string; version: string } | undefined> {
    try {
      const out = await this.o.client.send(new GetObjectCommand({ Bucket: this.o.bucket, Key: key }));
      if (!out.ETag) throw new Error(`GetObject ${key} answered without an ETag`);
      return { body: (await out.Body?.transformToString()) ?? '', version: out.ETag };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async write(key: string, body: string, expected: string | undefined): Promise<'written' | 'lost'> {
    const outcome = await conditionalPut(this.o.client, {
      Bucket: this.o.bucket,
      Key: key,
      Body: body,
      ContentType: 'application/json',
      ...(expected === undefined ? { IfNoneMatch: '*' } : { IfMatch: expected }),
      ...encryptionParams(this.o.kmsKeyId),
    });
    return outcome === 'written' ? 'written' : 'lost';
  }
}

/**
 * The CLI's and the demo's store: each version of a document is its own file (`<key>.d/<n>.json`), created
 * write-once by the project's one `writeFileOnce` (link(2): of two writers of version n+1, one gets EEXIST),
 * so the folder gives the same compare-and-swap as S3's If-Match.
 */
export class FolderVersionedStore implements VersionedStore {
  constructor(readonly rootDir: string) {}

  get location(): string {
    return this.rootDir;
  }

  private dirOf(key: string): string {
    return join(this.rootDir, ...`${key}.d`.split('/'));
  }

  async read(key: string): Promise<{ body: string; version: string } | undefined> {
    let names: string[];
    try {
      names = await readdir(this.dirOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const latest = Math.max(-1, ...names.map((n) => /^(\d+)\.json$/.exec(n)).filter((m): m is RegExpExecArray => !!m).map((m) => Number(m[1])));
    if (latest < 0) return undefined;
    return { body: await readFile(join(this.dirOf(key), `${latest}.json`), 'utf8'), version: String(latest) };
  }

  async write(key: string, body: string, expected: string | undefined): Promise<'written' | 'lost'> {
    const next = expected === undefined ? 0 : Number(expected) + 1;
    return (await writeFileOnce(join(this.dirOf(key), `${next}.json`), body)) === 'written' ? 'written' : 'lost';
  }
}

/** Nowhere to keep the day's count: every reservation is refused, so nothing is deleted past an unknown cap. */
class NoDailyLedger implements DailyLedger {
  async reserve(): Promise<LedgerAnswer> {
    return { ok: false, reason: 'no audit bucket is configured (audit.bucket or AUDIT_BUCKET; audit.localDir or AUDIT_DIR locally): the daily caps cannot be kept, so nothing is deleted', transient: false };
  }
}

/** The daily ledger where the evidence goes: the audit bucket, else its folder, else none (every deletion refused). */
export function dailyLedgerFor(
  audit: EvidenceLocation,
  env: NodeJS.ProcessEnv,
  s3: () => S3Client = () => new S3Client({ requestHandler: EVIDENCE_S3_TIMEOUTS, maxAttempts: 3 }),
): DailyLedger {
  const bucket = audit.bucket ?? env['AUDIT_BUCKET'];
  const dir = audit.localDir ?? env['AUDIT_DIR'];
  if (bucket) return new CasDailyLedger(new S3VersionedStore({ client: s3(), bucket, kmsKeyId: audit.kmsKeyId ?? env['AUDIT_KMS_KEY_ID'] }));
  if (dir) return new CasDailyLedger(new FolderVersionedStore(dir));
  return new NoDailyLedger();
}
