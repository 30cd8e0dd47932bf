// `npm run bench -- --only finishing`: what finishing GC costs (README "Finishing GC"), on loopback: the local API
// server and moto_server's S3 behind the recording proxy (test/helpers/moto.ts), the real SDK and client-node.
// Counts requests per finished Workflow by action, and times completions of 1,000 (and 5,000) objects.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parseConfig } from '../src/config/load.js';
import { finishingPolicyFor } from '../src/config/finishing-policy.js';
import { gcPod, gcTask, workflow } from '../src/demo/builders.js';
import { exporterEvent } from '../src/demo/seed.js';
import { evaluateBatch } from '../src/evaluate/evaluate-batch.js';
import { S3EvidenceSink } from '../src/evidence/s3-sink.js';
import { CasDailyLedger, S3VersionedStore } from '../src/finishing/ledger.js';
import { invocationBudget, runFinishing } from '../src/finishing/index.js';
import { finishingWiringFor } from '../src/finishing/wiring.js';
import { portFor } from '../src/kube/port-for.js';
import { type LocalApiServer, startApiServer } from '../src/local/apiserver/index.js';
import { startMoto } from '../test/helpers/moto.js';
import { FNV_OFFSET } from '../src/demo/builders.js';

type Row = (what: string, value: string, target: string, verdict: string) => void;
const AUDIT = 'afr-bench-audit';
const ARTIFACTS = 'argo-artifacts';
const fmt = (n: number, d = 1) => n.toFixed(d);

/** gc-failed on AccessDenied: its task, its Failed and recouped GC pod, two artifacts (or one prefix). */
function failedWorkflow(name: string, now: Date, artifacts: { name: string; key: string }[]) {
  const wf = workflow({
    name, namespace: 'data', uid: `uid-${name}`, now, finishedMinutesAgo: 120, strategy: 'OnWorkflowCompletion', bucket: ARTIFACTS, artifacts,
    strategiesProcessed: ['OnWorkflowCompletion'], podsRecouped: [`${name}-artgc-wfcomp-${FNV_OFFSET}`],
    conditions: [{ type: 'ArtifactGCError', status: 'True', message: 'AccessDenied: Access Denied' }],
  });
  const task = gcTask(wf, 'wfcomp', Object.fromEntries([[name, Object.fromEntries(artifacts.map((a) => [a.name, { success: false, error: 'AccessDenied' }]))]]));
  const pod = gcPod(wf, { strategy: 'wfcomp', phase: 'Failed', now, createdMinutesAgo: 110, finishedMinutesAgo: 109 });
  return { wf, task, pod };
}

export async function finishingCost(row: Row, results: Record<string, unknown>, quick: boolean): Promise<void> {
  const moto = await startMoto();
  const s3 = new S3Client({ ...moto.clientConfig, maxAttempts: 3 });
  let server: LocalApiServer | undefined;
  try {
    const now = new Date();
    // The remediator's RBAC, with the optional ClusterRole re-arms need (infra/rbac/finishing/).
    const docs = ['clusterrole.yaml', 'clusterrolebinding.yaml', 'finishing/clusterrole.yaml'].flatMap((f) => parseAllDocuments(readFileSync(join(import.meta.dirname, '../infra/rbac', f), 'utf8')).map((d) => d.toJS() as { kind: string }));
    server = await startApiServer({ rbac: { clusterRoles: docs.filter((d) => d.kind === 'ClusterRole'), bindings: docs.filter((d) => d.kind === 'ClusterRoleBinding') } });
    const config = (defaults: Record<string, string>) =>
      parseConfig(
        {
          clusters: [{ name: 'bench', auth: { type: 'token', server: server!.url, token: server!.token, skipTLSVerify: true }, mode: 'remediate', maxRemovalsPerInvocation: 1000 }],
          finishing: { defaults, buckets: [{ bucket: ARTIFACTS, keyPrefixes: ['{{workflow.name}}/'] }], caps: { objectsPerInvocation: 100_000, objectsPerDay: 100_000 }, rearm: { podGonePollSeconds: 0.05 } },
        },
        'bench',
      );
    const perAction: Record<string, unknown> = {};
    const n = quick ? 5 : 20;
    for (const action of ['complete', 'rearm', 'verify'] as const) {
      await moto.reset();
      for (const Bucket of [AUDIT, ARTIFACTS]) await s3.send(new CreateBucketCommand({ Bucket }));
      for (const kind of ['Pod', 'WorkflowArtifactGCTask', 'Workflow']) for (const o of server.store.list({ kind })) server.store.remove(o);
      const names = Array.from({ length: n }, (_, i) => `${action}-${i}`);
      for (const name of names) {
        const artifacts = [{ name: 'report', key: `${name}/${name}/report.tgz` }, { name: 'main-logs', key: `${name}/${name}/main.log` }];
        const { wf, task, pod } = failedWorkflow(name, now, artifacts);
        server.store.put(wf);
        const stored = server.store.put(task) as { metadata: { uid: string } };
        pod.metadata.ownerReferences[0].uid = stored.metadata.uid;
        server.store.put(pod);
        // verify finds nothing (never written, or gone by a lifecycle rule); complete finds both objects.
        if (action === 'complete') for (const a of artifacts) await s3.send(new PutObjectCommand({ Bucket: ARTIFACTS, Key: a.key, Body: 'x'.repeat(1024) }));
      }
      const cfg = config({ [action]: 'auto' });
      const port = portFor(cfg.clusters[0]!.auth, { rateLimit: { qps: 100_000, burst: 100_000 } });
      const wiring = finishingWiringFor(cfg, { region: moto.region, s3: moto.clientConfig, ledger: new CasDailyLedger(new S3VersionedStore({ client: s3, bucket: AUDIT })) })!;
      const evidence = new S3EvidenceSink({ client: s3, bucket: AUDIT });
      const apiBefore = server.requests.length;
      moto.calls.length = 0;
      const t = performance.now();
      let done = 0;
      for (const name of names) {
        const report = await evaluateBatch([{ id: name, body: JSON.stringify(exporterEvent(server.store.get({ kind: 'Workflow', namespace: 'data', name }) as never, 'WorkflowFailed', { cluster: 'bench', now, seq: 1 })) }], {
          config: cfg, portFor: () => port, publisher: { publish: async () => {} }, queue: { send: async () => {} }, evidence, finishing: wiring,
        });
        if (report.decisions[0]?.finishing?.applied) done++;
      }
      const ms = (performance.now() - t) / n;
      wiring.close();
      const api = server.requests.slice(apiBefore);
      const byKind = api.reduce<Record<string, number>>((acc, r) => {
        const kind = r.path.endsWith('/log') ? 'logs' : r.path.endsWith('/events') ? 'events' : r.path.includes('/pods') ? 'pods' : r.path.includes('workflowartifactgctasks') ? 'tasks' : 'workflows';
        acc[`${r.method} ${kind}`] = (acc[`${r.method} ${kind}`] ?? 0) + 1;
        return acc;
      }, {});
      const s3ByOp = moto.calls.reduce<Record<string, number>>((acc, c) => {
        const where = c.path.startsWith(`/${AUDIT}/evidence/`) ? 'evidence' : c.path.includes('.intent.json') ? 'intent' : c.path.includes('/ledger/') ? 'ledger' : c.path.startsWith(`/${ARTIFACTS}`) ? 'artifacts' : 'other';
        const op = c.method === 'POST' && c.path.includes('delete') ? 'DeleteObjects' : c.method === 'GET' && c.path.includes('list-type=2') ? 'ListObjectsV2' : c.method;
        acc[`${op} ${where}`] = (acc[`${op} ${where}`] ?? 0) + 1;
        return acc;
      }, {});
      const perWf = { workflows: n, applied: done, apiRequestsPerWorkflow: api.length / n, s3RequestsPerWorkflow: moto.calls.length / n, apiByKind: byKind, s3ByOperation: s3ByOp, msPerWorkflow: ms };
      perAction[action] = perWf;
      const show = (o: Record<string, number>) => Object.entries(o).sort().map(([k, v]) => `${k} ${fmt(v / n, 1)}`).join(', ');
      row(`finishing ${action}, requests per finished Workflow (evaluate, whole)`, `${fmt(api.length / n, 1)} API (${show(byKind)}); ${fmt(moto.calls.length / n, 1)} S3 (${show(s3ByOp)}); ${fmt(ms, 0)} ms each; ${done}/${n} applied`, '-', '-');
    }

    // Time per 1,000 objects deleted: one Workflow whose artifact is a prefix of N objects (archive: none).
    const sizes = quick ? [1000] : [1000, 5000];
    const timing: Record<string, unknown>[] = [];
    for (const count of sizes) {
      await moto.reset();
      for (const Bucket of [AUDIT, ARTIFACTS]) await s3.send(new CreateBucketCommand({ Bucket }));
      for (const kind of ['Pod', 'WorkflowArtifactGCTask', 'Workflow']) for (const o of server.store.list({ kind })) server.store.remove(o);
      const name = `bulk-${count}`;
      const { wf, task, pod } = failedWorkflow(name, now, [{ name: 'outputs', key: `${name}/${name}/outputs/` }]);
      server.store.put(wf);
      const stored = server.store.put(task) as { metadata: { uid: string } };
      pod.metadata.ownerReferences[0].uid = stored.metadata.uid;
      server.store.put(pod);
      for (let i = 0; i < count; i += 50) {
        await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, j) => s3.send(new PutObjectCommand({ Bucket: ARTIFACTS, Key: `${name}/${name}/outputs/part-${String(i + j).padStart(5, '0')}`, Body: 'y'.repeat(256) }))));
      }
      const cfg = config({ complete: 'auto' });
      const policy = finishingPolicyFor(cfg, 'bench', 'data');
      const port = portFor(cfg.clusters[0]!.auth, { rateLimit: { qps: 100_000, burst: 100_000 } });
      const wiring = finishingWiringFor(cfg, { region: moto.region, s3: moto.clientConfig, ledger: new CasDailyLedger(new S3VersionedStore({ client: s3, bucket: AUDIT })) })!;
      moto.calls.length = 0;
      let deleteMs = 0;
      const timedBucket = {
        head: wiring.bucket.head.bind(wiring.bucket),
        list: wiring.bucket.list.bind(wiring.bucket),
        delete: async (ref: Parameters<typeof wiring.bucket.delete>[0], keys: readonly string[]) => {
          const t0 = performance.now();
          try {
            return await wiring.bucket.delete(ref, keys);
          } finally {
            deleteMs += performance.now() - t0;
          }
        },
      };
      const t = performance.now();
      const result = await runFinishing('complete', { namespace: 'data', name }, { cluster: 'bench', policy, quietPeriodMs: 30 * 60_000 }, {
        cluster: port as never, bucket: timedBucket, evidence: { sink: new S3EvidenceSink({ client: s3, bucket: AUDIT }) }, budget: invocationBudget(policy.caps), ledger: wiring.ledger,
      });
      const totalMs = performance.now() - t;
      wiring.close();
      const deletes = moto.calls.filter((c) => c.method === 'POST' && c.path.includes('delete')).length;
      const lists = moto.calls.filter((c) => c.method === 'GET' && c.path.includes('list-type=2')).length;
      timing.push({ objects: count, outcome: result.outcome, deleted: result.deleted?.length ?? 0, totalMs, deleteObjectsMs: deleteMs, deleteObjectsCalls: deletes, listCalls: lists, s3Requests: moto.calls.length });
      row(
        `finishing complete, ${count.toLocaleString('en')} objects under one prefix`,
        `${fmt(totalMs / (count / 1000), 0)} ms per 1,000 deleted end to end (${fmt(totalMs, 0)} ms: list, bundle, intent, ledger, ${deletes} DeleteObjects in ${fmt(deleteMs, 0)} ms, list again, patch); ${moto.calls.length} S3 requests; ${result.outcome}`,
        '-',
        '-',
      );
    }
    results.finishing = { perAction, deletes: timing };
  } finally {
    s3.destroy();
    await server?.close();
    await moto.close();
  }
}
