import { randomUUID } from 'node:crypto';
import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { auditKey } from './key.js';
import type { AnyAuditRecord } from './record.js';
import type { AuditSink } from './sink.js';

/**
 * A file written at most once: the content goes to a temp file that is then hard-linked to its path. link()
 * fails with EEXIST instead of replacing, and a reader never sees half a file. The local twin of putJsonOnce.
 */
export async function writeFileOnce(target: string, content: string | Buffer): Promise<'written' | 'duplicate'> {
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.${randomUUID()}.tmp`;
  await writeFile(temp, content, { flag: 'wx' });
  try {
    await link(temp, target);
    return 'written';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return 'duplicate';
    throw err;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** The local default: the same key layout under a directory, each record written once. */
export class FileAuditSink implements AuditSink {
  constructor(readonly rootDir: string) {}

  pathOf(rec: AnyAuditRecord): string {
    return join(this.rootDir, ...auditKey(rec).split('/'));
  }

  record(rec: AnyAuditRecord): Promise<'written' | 'duplicate'> {
    return writeFileOnce(this.pathOf(rec), JSON.stringify(rec, null, 2) + '\n');
  }
}
