import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCluster } from '../../src/demo/seed.js';
import { type LocalApiServer, startApiServer } from '../../src/local/apiserver/index.js';
import { runCli } from '../helpers/cli.js';

// `evidence NS/NAME`: the real binary against the local API server seeded with the demo cluster, whose GC
// pods have logs and Events. It collects one bundle and changes nothing.

const NOW = new Date('2026-11-30T12:00:00Z');
let server: LocalApiServer;
let kubeconfig: string;
const dirs: string[] = [];

beforeAll(async () => {
  const cluster = demoCluster(NOW);
  server = await startApiServer({ seed: cluster.objects, podLogs: cluster.podLogs });
  kubeconfig = server.kubeconfig().path;
});
afterAll(async () => {
  await server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const out = () => {
  const d = mkdtempSync(join(tmpdir(), 'afr-evidence-cli-'));
  dirs.push(d);
  return d;
};

describe('evidence NS/NAME', () => {
  it('collects the bundle of a GC-failed Workflow without acting: the AccessDenied log, the ArtifactGCFailed Event, a manifest', async () => {
    const dir = out();
    const r = await runCli(['evidence', 'data/etl-run-q8h2d', '--kubeconfig', kubeconfig, '--out', dir, '--now', NOW.toISOString(), '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ verdict: 'notify', cause: 'gc-failed', notFetched: [], capsHit: [], written: 8 });
    expect(doc.evidenceKey).toMatch(/^evidence\/cluster=local\/date=2026-11-30\/data\/etl-run-q8h2d\/00000000-0000-4000-8000-000000000003\/[0-9a-f]{32}\/$/);
    const at = (p: string) => readFileSync(join(dir, doc.evidenceKey, p));
    expect(createHash('sha256').update(at('manifest.json')).digest('hex')).toBe(doc.evidenceSha256);
    expect(JSON.parse(at('manifest.json').toString())).toMatchObject({ action: 'inspect', workflow: { namespace: 'data', name: 'etl-run-q8h2d' } });
    expect(at('logs/etl-run-q8h2d-artgc-wfdel-2166136261/main.log').toString()).toContain('AccessDenied: User: arn:aws:sts::111122223333:assumed-role/data-artgc/gc is not authorized to perform: s3:DeleteObject');
    expect(JSON.parse(at('events.json').toString()).map((e: { reason: string }) => e.reason)).toEqual(['ArtifactGCFailed']);
    expect(JSON.parse(at('assessment.json').toString()).orphans.map((o: { name: string }) => o.name).sort()).toEqual(['main-logs', 'report']);
    expect(server.requests.filter((q) => q.method !== 'GET')).toEqual([]);
  });

  it('a GC pod that never started: the bundle says why its log is missing; a second run replaces nothing', async () => {
    const dir = out();
    const args = ['evidence', 'ml/train-model-4kq9z', '--kubeconfig', kubeconfig, '--out', dir, '--now', NOW.toISOString(), '-o', 'json'];
    const first = JSON.parse((await runCli(args)).stdout);
    expect(first.notFetched).toEqual([
      { what: 'logs/train-model-4kq9z-artgc-wfdel-2166136261/main.log', status: 400, reason: expect.stringContaining('is waiting to start: trying and failing to pull image') },
    ]);
    const second = JSON.parse((await runCli(args)).stdout);
    expect(second).toMatchObject({ written: 0, evidenceSha256: first.evidenceSha256 });
  });

  it('bad usage exits 2 with one line; a Workflow that does not exist exits 1', async () => {
    for (const args of [['evidence'], ['evidence', 'no-slash'], ['evidence', 'Bad_NS/x'], ['evidence', 'a/b', 'c/d']]) {
      const r = await runCli([...args, '--kubeconfig', kubeconfig]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
    }
    const missing = await runCli(['evidence', 'data/never-was', '--kubeconfig', kubeconfig, '--out', out()]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Workflow data\/never-was not found/);
  }, 120_000);
});
