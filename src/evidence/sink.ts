/**
 * Where evidence bundles and intent records go: the audit bucket in production, a folder for the CLI and the
 * demo. Write-once, like the audit sink: a key that exists is never replaced, so a retried invocation can
 * neither overwrite nor duplicate what the first one stored.
 */
export interface EvidenceSink {
  /** Where the keys live, for people: `s3://bucket` or a folder path. */
  readonly location: string;
  /** 'duplicate' when the key already exists; nothing is replaced. Anything else that fails throws. */
  putIfAbsent(key: string, body: Buffer, contentType: string): Promise<'written' | 'duplicate'>;
  /** The stored bytes, or undefined when there is no such key. */
  get(key: string): Promise<Buffer | undefined>;
  /**
   * Every key under `prefix` (at most `maxKeys`): what recovery from the intent record reads to find intents and
   * their final records side by side (src/evidence/recover.ts).
   */
  list(prefix: string, opts?: { maxKeys?: number }): Promise<string[]>;
}

/** A bundle or intent record could not be stored: nothing destructive may happen, the record is retried. */
export class EvidenceWriteError extends Error {
  override readonly name = 'EvidenceWriteError';
  readonly retryable = true;
  readonly kind = 'evidence-write-failed';
  constructor(
    readonly key: string,
    override readonly cause: unknown,
  ) {
    super(`could not store ${key}: ${(cause as Error)?.message ?? String(cause)}; nothing was done, the record will be retried`);
  }
}

/** Keys are built from checked path segments; this refuses anything that could climb out of its place. */
export function assertRelativeKey(key: string): string {
  if (key === '' || key.startsWith('/') || key.split('/').some((s) => s === '..' || s === '.') || key.includes('\\') || key.includes('\0')) {
    throw new Error(`not a relative object key: ${JSON.stringify(key.slice(0, 200))}`);
  }
  return key;
}
