import { IntentRecord } from '../../src/evidence/intent.js';
import type { EvidenceSink } from '../../src/evidence/sink.js';

/**
 * A real evidence sink (folder or S3 on moto) that also notes, at each write, how many destructive writes the
 * test had seen by then: "the bundle and the intent were stored before anything was deleted or patched" is then
 * a plain assertion. `fail` makes every write throw, as a refusing bucket would.
 */
export class RecordingEvidenceSink implements EvidenceSink {
  readonly puts: { key: string; destructiveBefore: number; result?: 'written' | 'duplicate' }[] = [];
  fail: Error | undefined;

  constructor(
    private readonly inner: EvidenceSink,
    private readonly destructiveSoFar: () => number,
  ) {}

  get location(): string {
    return this.inner.location;
  }

  async putIfAbsent(key: string, body: Buffer, contentType: string): Promise<'written' | 'duplicate'> {
    if (this.fail) throw this.fail;
    const entry: (typeof this.puts)[number] = { key, destructiveBefore: this.destructiveSoFar() };
    this.puts.push(entry);
    entry.result = await this.inner.putIfAbsent(key, body, contentType);
    return entry.result;
  }

  get(key: string): Promise<Buffer | undefined> {
    return this.inner.get(key);
  }

  list(prefix: string, opts?: { maxKeys?: number }): Promise<string[]> {
    return this.inner.list(prefix, opts);
  }

  /** The intent records written (not found already there), parsed. */
  async intents(): Promise<{ key: string; record: IntentRecord; destructiveBefore: number }[]> {
    const written = this.puts.filter((p) => p.key.endsWith('.intent.json') && p.result === 'written');
    return Promise.all(written.map(async (p) => ({ key: p.key, destructiveBefore: p.destructiveBefore, record: IntentRecord.parse(JSON.parse((await this.inner.get(p.key))!.toString('utf8'))) })));
  }

  /** Every key of the bundle named by an intent: its manifest must be among them. */
  bundleKeys(prefix: string): string[] {
    return this.puts.filter((p) => p.key.startsWith(prefix)).map((p) => p.key);
  }
}
