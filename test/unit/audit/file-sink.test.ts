import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileAuditSink } from '../../../src/audit/file-sink.js';
import { AuditRecord, auditKey, decisionRecord } from '../../../src/audit/record.js';
import { forceRemovalDecision } from '../notify/fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'afr-audit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileAuditSink', () => {
  it('writes under the same key layout, then reports the second write as a duplicate without touching the first', async () => {
    const sink = new FileAuditSink(dir);
    const first = decisionRecord(forceRemovalDecision(), '2026-09-02T00:15:01.000Z');
    expect(await sink.record(first)).toBe('written');
    const path = join(dir, ...auditKey(first).split('/'));
    expect(AuditRecord.parse(JSON.parse(await readFile(path, 'utf8')))).toEqual(first);

    const retry = decisionRecord(forceRemovalDecision(), '2026-09-02T00:16:30.000Z');
    expect(await sink.record(retry)).toBe('duplicate');
    expect(AuditRecord.parse(JSON.parse(await readFile(path, 'utf8'))).recordedAt).toBe('2026-09-02T00:15:01.000Z');
    expect(await readdir(dirname(path))).toEqual([auditKey(first).split('/').at(-1)]);
  });

  it('lets concurrent writers of one key produce exactly one written', async () => {
    const sink = new FileAuditSink(dir);
    const rec = decisionRecord(forceRemovalDecision(), '2026-09-02T00:15:01.000Z');
    const results = await Promise.all(Array.from({ length: 8 }, () => sink.record(rec)));
    expect(results.filter((r) => r === 'written')).toHaveLength(1);
    expect(results.filter((r) => r === 'duplicate')).toHaveLength(7);
  });
});
