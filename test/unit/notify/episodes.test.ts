import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EpisodeStore, MemoryEpisodeStore, episodeKey, systemicEpisodeKey } from '../../../src/notify/episodes.js';
import { FileEpisodeStore } from '../../../src/notify/episodes-file.js';
import { fakeTime } from './fake-time.js';
import { gcFailedDecision, systemicAlert } from './fixtures.js';

describe('episodeKey', () => {
  it('is notified/<cluster>/<uid>/<cause>.json', () => {
    expect(episodeKey(gcFailedDecision())).toBe('notified/prod-eu-1/0f6c2a9b-51e4-4b3e-9d1a-7c2f9e8b4d21/gc-failed.json');
    expect(systemicEpisodeKey(systemicAlert())).toBe('notified/prod-eu-1/_systemic/sweep-2026-09-02T03_00_00Z.json');
  });

  it('never lets two Workflows without a uid share an episode', () => {
    const a = gcFailedDecision({ workflow: { namespace: 'data', name: 'a' } });
    const b = gcFailedDecision({ workflow: { namespace: 'data', name: 'b' } });
    expect(episodeKey(a)).not.toBe(episodeKey(b));
  });
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'afr-episodes-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stores: Array<[string, (clock: () => number) => EpisodeStore]> = [
  ['memory', (clock) => new MemoryEpisodeStore(clock, 900)],
  ['file', (clock) => new FileEpisodeStore(dir, clock, 900)],
];

describe.each(stores)('%s episode store', (_, make) => {
  const key = 'notified/c1/uid-1/gc-failed.json';

  it('grants one claim; a confirmed episode stays silent until its TTL, then may be announced again', async () => {
    const t = fakeTime();
    const s = make(t.clock);
    expect(await s.claim(key, 3600)).toBe(true);
    await s.confirm(key, 3600);
    expect(await s.claim(key, 3600)).toBe(false);
    t.advance(3599_000);
    expect(await s.claim(key, 3600)).toBe(false);
    t.advance(2000);
    expect(await s.claim(key, 3600)).toBe(true);
  });

  it('gives a released claim back at once', async () => {
    const s = make(fakeTime().clock);
    expect(await s.claim(key, 3600)).toBe(true);
    await s.release(key);
    expect(await s.claim(key, 3600)).toBe(true);
  });

  it('lets an abandoned (never confirmed) claim be taken over once its lease ends', async () => {
    const t = fakeTime();
    const s = make(t.clock);
    expect(await s.claim(key, 86_400)).toBe(true);
    t.advance(899_000);
    expect(await s.claim(key, 86_400)).toBe(false);
    t.advance(2000);
    expect(await s.claim(key, 86_400)).toBe(true);
  });
});

describe('FileEpisodeStore', () => {
  it('treats a corrupt marker as abandoned rather than blocking the episode for ever', async () => {
    const s = new FileEpisodeStore(dir);
    const key = 'notified/c1/u/gc-failed.json';
    expect(await s.claim(key, 60)).toBe(true);
    await writeFile(join(dir, 'notified/c1/u/gc-failed.json'), '{not json');
    expect(await s.claim(key, 60)).toBe(true);
    expect(JSON.parse(await readFile(join(dir, 'notified/c1/u/gc-failed.json'), 'utf8')).state).toBe('pending');
  });

  it('grants exactly one of many concurrent first claims', async () => {
    const s = new FileEpisodeStore(dir);
    const results = await Promise.all(Array.from({ length: 10 }, () => s.claim('notified/c/u/x.json', 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
