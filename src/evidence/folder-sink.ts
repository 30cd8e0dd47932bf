import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
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


  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }
}
