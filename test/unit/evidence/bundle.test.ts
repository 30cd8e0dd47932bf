import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBundle, type BundleInput, MAX_FILE_BYTES, manifestBody } from '../../../src/evidence/bundle.js';
import { FolderEvidenceSink } from '../../../src/evidence/folder-sink.js';
import { storeBundle } from '../../../src/evidence/before-act.js';
import { forceRemovalDecision } from '../notify/fixtures.js';

const TOKEN = 'xoxb-123456789012-abcdefghijklmnop';
const input = (over: Partial<BundleInput> = {}): BundleInput => {
  const d = forceRemovalDecision();
  return {
    prefix: 'evidence/cluster=prod/date=2026-11-30/argo/wf/uid/d1/',
    decisionId: 'd1',
    cluster: 'prod',
    action: 'remove-finalizer',
    collectedAt: '2026-11-30T12:00:00.000Z',
    workflow: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'wf', namespace: 'argo', uid: 'uid', annotations: { note: `Bearer ${TOKEN}` } }, status: { phase: 'Succeeded' } },
    pods: [],
    tasks: [],
    events: [],
    logs: [],
    assessment: d,
    notFetched: [],
    capsHit: [],
    ...over,
  };
};

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('buildBundle', () => {
  it('cuts a file at 256 KiB on a UTF-8 boundary and records the cap', () => {
    const big = 'é'.repeat(MAX_FILE_BYTES); // two bytes each: 512 KiB
    const b = buildBundle(input({ logs: [{ pod: 'p', container: 'main', previous: false, text: big }] }));
    const log = b.files.find((f) => f.path === 'logs/p/main.log')!;
    expect(log.body.length).toBe(MAX_FILE_BYTES);
    expect(log.body.toString('utf8')).toBe('é'.repeat(MAX_FILE_BYTES / 2));
    expect(b.manifest.capsHit).toEqual([{ path: 'logs/p/main.log', cap: 'maxFileBytes', limit: MAX_FILE_BYTES, bytes: 2 * MAX_FILE_BYTES }]);
  });

  it('redacts secrets in objects and logs before hashing', () => {
    const b = buildBundle(input({ logs: [{ pod: 'p', container: 'main', previous: false, text: `token=${TOKEN}\n` }] }));
    for (const f of b.files) expect(f.body.toString('utf8')).not.toContain(TOKEN);
    expect(manifestBody(b.manifest).toString()).not.toContain(TOKEN);
  });

  it('lists the orphans of a forced removal; nodes it cannot read are recorded as not fetched', () => {
    const b = buildBundle(input({ workflow: { metadata: { name: 'wf' }, status: { offloadNodeStatusVersion: 'v1' } } }));
    const assessment = JSON.parse(b.files.find((f) => f.path === 'assessment.json')!.body.toString());
    expect(assessment.orphans).toEqual(forceRemovalDecision().pendingArtifacts);
    expect(b.manifest.notFetched.map((n) => n.what)).toEqual(['nodes.json']);
    expect(b.files.map((f) => f.path)).not.toContain('nodes.json');
  });

  it('is deterministic: the same input gives the same bytes', () => {
    expect(manifestBody(buildBundle(input()).manifest)).toEqual(manifestBody(buildBundle(input()).manifest));
  });
});

describe('storeBundle in a folder', () => {
  it('writes once: a second store writes nothing and returns the stored manifest hash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'afr-bundle-'));
    dirs.push(dir);
    const sink = new FolderEvidenceSink(dir);
    const first = await storeBundle(sink, buildBundle(input()));
    // A retry collected a moment later: different collectedAt, same keys. The stored bundle stands.
    const second = await storeBundle(sink, buildBundle(input({ collectedAt: '2026-11-30T12:00:05.000Z' })));
    expect(second).toEqual({ sha256: first.sha256, bytes: 0, written: 0 });
    expect(JSON.parse(readFileSync(join(dir, input().prefix, 'manifest.json'), 'utf8')).collectedAt).toBe('2026-11-30T12:00:00.000Z');
  });
});
