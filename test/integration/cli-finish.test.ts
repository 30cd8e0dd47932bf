// `finish NS/NAME --rearm|--complete|--verify` in process against the local API server and a folder "bucket".
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseAllDocuments } from 'yaml';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import * as build from '../../src/demo/builders.js';
import { type LocalApiServer, startApiServer } from '../../src/local/apiserver/index.js';

const NOW = '2026-12-01T10:00:00Z';
const NS = 'data';
const NAME = 'etl-7q2kd';
const POD = `${NAME}-artgc-wfcomp-${build.FNV_OFFSET}`;

function rbac() {
  const docs = ['clusterrole.yaml', 'clusterrolebinding.yaml', 'finishing/clusterrole.yaml'].flatMap((f) =>
    parseAllDocuments(readFileSync(fileURLToPath(new URL(`../../infra/rbac/${f}`, import.meta.url)), 'utf8')).map((d) => d.toJS() as { kind: string }),
  );
  return { clusterRoles: docs.filter((d) => d.kind === 'ClusterRole'), bindings: docs.filter((d) => d.kind === 'ClusterRoleBinding') };
}

function seed(server: LocalApiServer): void {
  for (const kind of ['Pod', 'WorkflowArtifactGCTask', 'Workflow']) for (const o of server.store.list({ kind })) server.store.remove(o);
  const wf = build.workflow({
    name: NAME, namespace: NS, uid: 'wf-uid-1', now: new Date(NOW), finishedMinutesAgo: 120, strategy: 'OnWorkflowCompletion',
    artifacts: [{ name: 'report', key: `${NAME}/${NAME}/report.tgz` }], strategiesProcessed: ['OnWorkflowCompletion'], podsRecouped: [POD],
    conditions: [{ type: 'ArtifactGCError', status: 'True', message: 'AccessDenied' }],
  });
  server.store.put(wf);
  const task = server.store.put(build.gcTask(wf, 'wfcomp', { [NAME]: { report: { success: false, error: 'AccessDenied: Access Denied' } } }));
  const pod = build.gcPod(wf, { strategy: 'wfcomp', phase: 'Failed', now: new Date(NOW), createdMinutesAgo: 110, finishedMinutesAgo: 109 });
  pod.metadata.ownerReferences[0].uid = task.metadata.uid;
  server.store.put(pod);
}

function io(): { io: CliIO; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (c: Buffer) => (o += c.toString()));
  stderr.on('data', (c: Buffer) => (e += c.toString()));
  return { io: { stdout, stderr, stdin: new PassThrough(), env: {} }, out: () => o, err: () => e };
}

describe('finish (CLI)', () => {
  let server: LocalApiServer;
  let dir: string;
  let configFile: string;
  beforeAll(async () => {
    server = await startApiServer({ rbac: rbac() });
    dir = mkdtempSync(join(tmpdir(), 'afr-cli-finish-'));
    const kubeconfig = server.kubeconfig({ path: join(dir, 'kubeconfig') }).path;
    configFile = join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify({
      clusters: [{ name: 'local', auth: { type: 'kubeconfig', path: kubeconfig }, mode: 'dry-run', namespaceModes: { data: 'remediate' } }],
      finishing: { defaults: { rearm: 'approval', complete: 'approval' }, buckets: [{ bucket: 'argo-artifacts', keyPrefixes: ['{{workflow.name}}/'] }], rearm: { podGonePollSeconds: 0.05 } },
    }));
    mkdirSync(join(dir, 'buckets', 'argo-artifacts'), { recursive: true });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    seed(server);
    server.requests.length = 0;
  });

  it('dry run by default: says what it would do and writes nothing', async () => {
    const t = io();
    expect(await main(['finish', `${NS}/${NAME}`, '--rearm', '--config', configFile, '--now', NOW], t.io)).toBe(0);
    expect(t.out()).toContain('rearm: would-rearm (dry run)');
    expect(server.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });

  it('--apply re-arms (the command is the approval), the evidence bundle and intent written first under --audit-dir', async () => {
    const t = io();
    const audit = join(dir, 'audit');
    expect(await main(['finish', `${NS}/${NAME}`, '--rearm', '--apply', '--config', configFile, '--audit-dir', audit, '--now', NOW, '-o', 'json'], t.io)).toBe(0);
    const doc = JSON.parse(t.out());
    expect(doc).toMatchObject({ action: 'rearm', outcome: 'rearmed', rearm: { attempt: 1, tasksDeleted: [`${POD}-0`] } });
    // The pipeline's layout: the intent beside the audit records, the bundle under evidence/ (src/evidence).
    expect(doc.evidence.intentKey).toMatch(/^audit\/cluster=local\/date=2026-12-01\/data\/etl-7q2kd\/wf-uid-1\/[0-9a-f]{32}\.intent\.json$/);
    expect(readdirSync(join(audit, 'audit', 'cluster=local', 'date=2026-12-01', NS, NAME, 'wf-uid-1'))).toHaveLength(1);
    expect(doc.evidence.evidenceKey).toMatch(/^evidence\/cluster=local\/date=2026-12-01\/data\/etl-7q2kd\/wf-uid-1\/[0-9a-f]{32}\/$/);
    expect(readdirSync(join(audit, ...doc.evidence.evidenceKey.split('/')))).toEqual(expect.arrayContaining(['manifest.json', 'workflow.json', 'gc-pods.json']));
  });

  it('--complete on a folder bucket: nothing there for the artifact, it is marked deleted', async () => {
    const t = io();
    expect(await main(['finish', `${NS}/${NAME}`, '--complete', '--apply', '--config', configFile, '--bucket-dir', join(dir, 'buckets'), '--audit-dir', join(dir, 'audit2'), '--now', NOW], t.io)).toBe(0);
    expect(t.out()).toContain('complete: completed: artifacts marked deleted');
    const wf = server.store.get({ kind: 'Workflow', namespace: NS, name: NAME }) as any;
    expect(wf.status.nodes[NAME].outputs.artifacts[0].deleted).toBe(true);
  });

  it('scan --config shows what each Workflow finishing action would be', async () => {
    const t = io();
    expect(await main(['scan', '--config', configFile, '-n', NS, '--now', NOW], t.io)).toBe(0);
    const [header, row] = t.out().trimEnd().split('\n');
    expect(header).toMatch(/ACTION\s+FINISH\s+OUTCOME$/);
    expect(row, t.out()).toMatch(/notify\s+gc-failed\s+none\s+complete: approval\s+needs-human/);
    const j = io();
    await main(['scan', '--config', configFile, '-n', NS, '--now', NOW, '-o', 'json'], j.io);
    expect(JSON.parse(j.out()).results[0].finishing).toBe('complete: approval');
  });

  it('bad usage exits 2 with one line', async () => {
    for (const args of [
      ['finish', `${NS}/${NAME}`, '--config', 'x'],
      ['finish', `${NS}/${NAME}`, '--rearm', '--complete', '--config', 'x'],
      ['finish', NAME, '--rearm', '--config', 'x'],
      ['finish', 'Bad_NS/x', '--rearm', '--config', 'x'],
      ['finish', `${NS}/${NAME}`, '--rearm'],
      ['finish', `${NS}/${NAME}`, '--rearm', '--config', join(dir, 'missing.yaml')],
    ]) {
      const t = io();
      expect(await main(args, t.io), args.join(' ')).toBe(2);
      expect(t.err().trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
