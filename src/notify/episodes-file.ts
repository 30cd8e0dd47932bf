import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Clock, systemClock } from './pacer.js';
import { DEFAULT_LEASE_SECONDS, type EpisodeStore, isLive, pendingMarker, postedMarker } from './episodes.js';

/**
 * Markers as files for local runs and the demo. The first claim is exclusive (`wx`); taking over an expired
 * marker is a plain replace, which is fine for one process and not meant for several.
 */
export class FileEpisodeStore implements EpisodeStore {
  constructor(
    readonly rootDir: string,
    private readonly clock: Clock = systemClock,
    private readonly leaseSeconds = DEFAULT_LEASE_SECONDS,
  ) {}

  private pathOf(key: string): string {
    return join(this.rootDir, ...key.split('/'));
  }

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const now = this.clock();
    const marker = JSON.stringify(pendingMarker(now, ttlSeconds, this.leaseSeconds));
    try {
      await writeFile(path, marker, { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (isLive(await readJson(path), now)) return false;
    await replace(path, marker);
    return true;
  }

  async confirm(key: string, ttlSeconds: number): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    await replace(path, JSON.stringify(postedMarker(this.clock(), ttlSeconds)));
  }

  async release(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Write-then-rename so a reader sees the old marker or the new one, never half of one. */
async function replace(path: string, content: string): Promise<void> {
  const temp = `${path}.${randomUUID()}.tmp`;
  await writeFile(temp, content, { flag: 'wx' });
  await rename(temp, path);
}
