import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { assertRelativeKey, type EvidenceSink } from './sink.js';

/**
 * The CLI's and the demo's sink: the S3 key layout under a folder. Written to a temp file, then hard-linked to
 * the key: link() fails with EEXIST instead of replacing, and a reader never sees half a file.
 */
export class FolderEvidenceSink implements EvidenceSink {
  constructor(readonly rootDir: string) {}

  get location(): string {
    return this.rootDir;
  }

  pathOf(key: string): string {
    return join(this.rootDir, ...assertRelativeKey(key).split('/'));
  }

  async putIfAbsent(key: string, body: Buffer): Promise<'written' | 'duplicate'> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${randomUUID()}.tmp`;
    await writeFile(temp, body, { flag: 'wx' });
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

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }
}
