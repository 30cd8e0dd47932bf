import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { writeFileOnce } from '../audit/file-sink.js';
import { assertRelativeKey, type EvidenceSink } from './sink.js';

/** The CLI's and the demo's sink: the S3 key layout under a folder, each file written once (`writeFileOnce`). */
export class FolderEvidenceSink implements EvidenceSink {
  constructor(readonly rootDir: string) {}

  get location(): string {
    return this.rootDir;
  }

  pathOf(key: string): string {
    return join(this.rootDir, ...assertRelativeKey(key).split('/'));
  }

  putIfAbsent(key: string, body: Buffer): Promise<'written' | 'duplicate'> {
    return writeFileOnce(this.pathOf(key), body);
  }

  /** Keys are whole path segments here: the prefix is taken up to its last `/` and filtered on the rest. */
  async list(prefix: string, opts: { maxKeys?: number } = {}): Promise<string[]> {
    const cut = prefix.lastIndexOf('/');
    const dir = cut < 0 ? this.rootDir : this.pathOf(prefix.slice(0, cut));
    const files = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
    const keys = files
      .filter((f) => f.isFile())
      .map((f) => relative(this.rootDir, join(f.parentPath, f.name)).split(sep).join('/'))
      .filter((k) => k.startsWith(prefix) && !k.endsWith('.tmp'))
      .sort();
    return keys.slice(0, opts.maxKeys ?? 1000);
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
