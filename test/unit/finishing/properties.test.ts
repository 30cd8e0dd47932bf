// Safety invariants 3, 4, 9 and 10 for finishing, over random Workflows, buckets and allow-lists.
// The cluster is an in-memory port that applies patches with the local API server's own RFC 6902 code, and the
// bucket is the real folder adapter: hundreds of random runs need no network; the same sequences are checked on
// the wire against the local API server and moto_server in test/integration/finishing/.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FOLDER_MARKER_FILE, FolderBucket } from '../../../src/buckets/folder-bucket.js';
import type { BucketPort } from '../../../src/buckets/port.js';
import type { EvidenceSink } from '../../../src/evidence/sink.js';
import { finishingPolicyFor } from '../../../src/config/finishing-policy.js';
import { RemediatorConfig } from '../../../src/config/schema.js';
import * as build from '../../../src/demo/builders.js';
import { ARTIFACT_GC_FINALIZER } from '../../../src/domain/assessment.js';
import { CasDailyLedger, FolderVersionedStore, invocationBudget, runFinishing } from '../../../src/finishing/index.js';
import type { ClusterPort, GcWritePort, RemoveOutcome } from '../../../src/kube/port.js';
import { applyJsonPatch } from '../../../src/local/apiserver/jsonpatch.js';
import { assertFinishingPatch, assertPlannedPatch } from '../../../src/remediation/patch-guard.js';

const NOW = new Date('2026-12-01T10:00:00Z');
const BUCKETS = ['argo-artifacts', 'other-bucket'];

type Event = { kind: 'guard' } | { kind: 'delete'; bucket: string; keys: string[] } | { kind: 'patch'; ops: { op: string; path: string; value?: unknown }[]; ok: boolean };

interface Scenario {
  name: string;
  uid: string;
  artifacts: { name: string; key: string; bucket: string | undefined; present: 'none' | 'object' | 'dir' }[];
  decoys: string[];
  prefixes: string[];
  action: 'complete' | 'verify';
  concurrentWrite: boolean;
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    name: fc.constantFrom('etl-1', 'etl-10', 'report'),
    uid: fc.constantFrom('u-1', 'u-2'),
    action: fc.constantFrom('complete' as const, 'verify' as const),
    prefixes: fc.oneof({ arbitrary: fc.subarray(['{{workflow.name}}/', 'by-uid/{{workflow.uid}}/'], { minLength: 1 }), weight: 5 }, { arbitrary: fc.constant([] as string[]), weight: 1 }),
    concurrentWrite: fc.boolean(),
    raw: fc.array(
      fc.record({
        // Weighted towards allowed locations, so that most runs delete and patch; the rest are refused.
        dir: fc.constantFrom('NAME', 'NAME', 'NAME', 'NAME', 'by-uid/UID', 'by-uid/UID', 'etl-1', 'etl-10', 'shared', 'NAME0', 'by-uid/other'),
        file: fc.constantFrom('out.tgz', 'data/', 'main.log', 'x'),
        bucket: fc.constantFrom(undefined, undefined, undefined, 'argo-artifacts', 'other-bucket'),
        present: fc.constantFrom('none' as const, 'object' as const, 'dir' as const),
      }),
      { minLength: 1, maxLength: 2 },
    ),
    decoys: fc.array(fc.constantFrom('etl-1/out.tgz', 'etl-10/out.tgz', 'report/x', 'shared/out.tgz', 'by-uid/u-1/out.tgz', 'by-uid/u-2/x', 'etl-1/data/y'), { maxLength: 4 }),
  })
  .map(({ raw, ...s }) => ({
    ...s,
    artifacts: raw.map((r, i) => ({
      name: `a${i}`,
      key: `${r.dir.replace('NAME', s.name).replace('UID', s.uid)}/${i}-${r.file}`,
      bucket: r.bucket,
      present: r.present,
    })),
  }));

async function seedBucket(root: string, s: Scenario): Promise<void> {
  for (const b of BUCKETS) await mkdir(join(root, b), { recursive: true });
  const put = async (bucket: string, key: string) => {
    const path = key.endsWith('/') ? join(root, bucket, key, FOLDER_MARKER_FILE) : join(root, bucket, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, 'x');
  };
  for (const a of s.artifacts) {
    const bucket = a.bucket ?? 'argo-artifacts';
    if (a.present === 'object') await put(bucket, a.key);
    if (a.present === 'dir') await put(bucket, a.key.endsWith('/') ? `${a.key}f` : `${a.key}/f`);
  }
  for (const d of s.decoys) for (const b of BUCKETS) await put(b, d);
}

function workflowOf(s: Scenario): Record<string, any> {
  const wf = build.workflow({
    name: s.name, namespace: 'data', uid: s.uid, now: NOW, finishedMinutesAgo: 120, strategy: 'OnWorkflowCompletion',
    artifacts: s.artifacts.map((a) => ({ name: a.name, key: a.key })), strategiesProcessed: ['OnWorkflowCompletion'],
    podsRecouped: [`${s.name}-artgc-wfcomp-${build.FNV_OFFSET}`], bucket: 'argo-artifacts',
    conditions: [{ type: 'ArtifactGCError', status: 'True', message: 'AccessDenied' }],
  });
  wf.metadata.resourceVersion = '10';
  s.artifacts.forEach((a, i) => {
    // An artifact with its own endpoint, bucket and key keeps its location (Argo's S3 HasLocation).
    if (a.bucket) wf.status.nodes[s.name].outputs.artifacts[i].s3 = { endpoint: 's3.amazonaws.com', bucket: a.bucket, key: a.key };
  });
  return wf;
}

/** In-memory cluster: the Workflow as the API server would keep it, patches by the server's own JSON patch code. */
function memoryCluster(initial: Record<string, any>, events: Event[], concurrentWrite: boolean): ClusterPort & GcWritePort & { current(): Record<string, any> | undefined } {
  let wf: Record<string, any> | undefined = structuredClone(initial);
  let rv = 10;
  let interfere = concurrentWrite;
  const patch = async (_key: unknown, ops: readonly { op: string; path: string; value?: unknown }[]): Promise<RemoveOutcome> => {
    if (!wf) return { kind: 'gone', status: 404 };
    if (interfere) {
      interfere = false;
      wf.metadata.resourceVersion = String(++rv);
    }
    try {
      const next = applyJsonPatch(structuredClone(wf), ops as never) as Record<string, any>;
      next.metadata.resourceVersion = String(++rv);
      events.push({ kind: 'patch', ops: [...ops], ok: true });
      wf = (next.metadata.finalizers ?? []).length === 0 && next.metadata.deletionTimestamp ? undefined : next;
      return { kind: 'patched', status: 200, workflow: next };
    } catch {
      events.push({ kind: 'patch', ops: [...ops], ok: false });
      return { kind: 'conflict', status: 422, message: 'test failed' };
    }
  };
  return {
    current: () => wf,
    snapshot: async () => (wf ? { workflow: structuredClone(wf), pods: [], tasks: [] } : null),
    candidates: async function* () {},
    candidateMetadata: async function* () {},
    removeFinalizer: (key, ops) => patch(key, ops),
    patchWorkflow: patch,
    deleteGcTask: async () => ({ kind: 'gone', status: 404 }),
    podExists: async () => false,
    gcTasks: async () => [],
    events: async () => [],
    podLog: async () => '',
  };
}

function memorySink(events: Event[]): EvidenceSink {
  const stored = new Map<string, Buffer>();
  let manifest = false;
  return {
    location: 'memory',
    putIfAbsent: async (key, body) => {
      if (key.endsWith('/manifest.json')) manifest = true;
      // The intent counts only once its bundle's manifest is stored (invariant 9: bundle, then intent).
      if (key.endsWith('.intent.json') && manifest) events.push({ kind: 'guard' });
      if (stored.has(key)) return 'duplicate';
      stored.set(key, body);
      return 'written';
    },
    get: async (key) => stored.get(key),
    list: async (prefix) => [...stored.keys()].filter((k) => k.startsWith(prefix)).sort(),
  };
}

function recordingBucket(inner: BucketPort, events: Event[]): BucketPort {
  return {
    head: (r, k) => inner.head(r, k),
    list: (r, p, o) => inner.list(r, p, o),
    delete: async (r, keys) => {
      events.push({ kind: 'delete', bucket: r.bucket, keys: [...keys] });
      return inner.delete(r, keys);
    },
  };
}

describe('finishing safety properties', () => {
  it('nothing outside the allow-list is deleted, nothing before the intent, no finalizer let go while an object remains, every patch guarded', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const root = await mkdtemp(join(tmpdir(), 'afr-finishing-prop-'));
        try {
          await seedBucket(root, s);
          const events: Event[] = [];
          const config = RemediatorConfig.parse({
            clusters: [{ name: 'prod', auth: { type: 'kubeconfig' }, mode: 'remediate' }],
            finishing: { defaults: { verify: 'auto', complete: 'auto' }, buckets: s.prefixes.length > 0 ? [{ bucket: 'argo-artifacts', keyPrefixes: s.prefixes }] : [] },
          });
          const policy = finishingPolicyFor(config, 'prod', 'data');
          const cluster = memoryCluster(workflowOf(s), events, s.concurrentWrite);
          const folder = new FolderBucket(root);
          await runFinishing(s.action, { namespace: 'data', name: s.name }, { cluster: 'prod', policy, quietPeriodMs: 30 * 60_000 }, {
            cluster,
            bucket: recordingBucket(folder, events),
            // The real evidence step (src/evidence) into memory: the intent is the last write, after the bundle's manifest.
            evidence: { sink: memorySink(events) },
            budget: invocationBudget(policy.caps),
            ledger: new CasDailyLedger(new FolderVersionedStore(join(root, '_ledger'))),
            clock: () => NOW,
          });

          const firstGuard = events.findIndex((e) => e.kind === 'guard');
          const allowed = s.prefixes.map((p) => p.replace('{{workflow.name}}', s.name).replace('{{workflow.uid}}', s.uid));
          for (const [i, e] of events.entries()) {
            if (e.kind === 'guard') continue;
            // Invariant 9: every destructive call comes after the intent.
            expect(firstGuard, JSON.stringify(events)).toBeGreaterThanOrEqual(0);
            expect(i).toBeGreaterThan(firstGuard);
            if (e.kind === 'delete') {
              // Invariant 10: only the allow-listed bucket, only under this Workflow's own prefix.
              expect(e.bucket).toBe('argo-artifacts');
              for (const k of e.keys) {
                expect(allowed.some((p) => k.startsWith(p)), `${k} not under ${allowed.join(', ')}`).toBe(true);
                expect(s.decoys.includes(k) && !s.artifacts.some((a) => k === a.key || k.startsWith(`${a.key}/`) || (a.key.endsWith('/') && k.startsWith(a.key)))).toBe(false);
              }
            }
            if (e.kind === 'patch') {
              // Invariant 3: uid and resourceVersion tested first, each change guarded (as checked on the way out).
              expect(e.ops[0]).toEqual({ op: 'test', path: '/metadata/uid', value: s.uid });
              const removesFinalizer = e.ops.some((o) => o.op === 'remove' && o.path.startsWith('/metadata/finalizers/'));
              if (removesFinalizer) expect(() => assertPlannedPatch(e.ops as never, s.uid)).not.toThrow();
              else expect(() => assertFinishingPatch(e.ops, s.uid)).not.toThrow();
              if (e.ok) {
                // Invariant 4: nothing of any pending artifact is left when the finalizer may go.
                for (const a of s.artifacts) {
                  const bucket = a.bucket ?? 'argo-artifacts';
                  const head = a.key.endsWith('/') ? { state: 'absent' } : await folder.head({ bucket }, a.key);
                  const list = await folder.list({ bucket }, a.key.endsWith('/') ? a.key : `${a.key}/`);
                  expect([head.state, list.state], `${bucket}/${a.key}`).toEqual(['absent', 'absent']);
                }
              }
            }
          }
          const after = cluster.current();
          if (after && (after.metadata.finalizers ?? []).includes(ARTIFACT_GC_FINALIZER) === false) {
            expect(events.some((e) => e.kind === 'patch' && e.ok)).toBe(true);
          }
        } finally {
          await rm(root, { recursive: true, force: true });
        }
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});
