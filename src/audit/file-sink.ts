import { randomUUID } from 'node:crypto';
import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type AnyAuditRecord, auditKey } from './record.js';
import type { AuditSink } from './sink.js';

/**
 * The local default: the same key layout under a directory. The record is written to a temp file and then
 * hard-linked to its key: link() fails with EEXIST instead of replacing, and a reader never sees half a file.
 */
export class FileAuditSink implements AuditSink {
  constructor(readonly rootDir: string) {}

  pathOf(rec: AnyAuditRecord): string {
    return join(this.rootDir, ...auditKey(rec).split('/'));
  }

  async record(rec: AnyAuditRecord): Promise<'written' | 'duplicate'> {
    const target = this.pathOf(rec);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${randomUUID()}.tmp`;
    await writeFile(temp, JSON.stringify(rec, null, 2) + '\n', { flag: 'wx' });
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
}
