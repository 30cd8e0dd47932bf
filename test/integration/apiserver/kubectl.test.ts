import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withApiServer } from '../../helpers/apiserver.js';
import { ARTIFACT_GC_FINALIZER, gcPod, gcTask, workflow } from './fixtures.js';
import { kubectlTool } from '../../helpers/kubectl.js';

/**
 * Real kubectl against the local API server. Over TLS on purpose: kubectl (1.32 here) does not send a
 * bearer token to a plain http:// server, so an HTTP server would only ever see anonymous requests.
 */


const { path: KUBECTL, skipNote: KUBECTL_SKIP } = kubectlTool();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe.skipIf(!KUBECTL)(`kubectl against the local API server${KUBECTL_SKIP}`, () => {
  const api = withApiServer({ tls: true });
  let home: string;
  let remediatorConfig: string;
  let adminConfig: string;
  let parentUid: string;

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'kubectl-home-'));
    remediatorConfig = api.server.kubeconfig().path;
    adminConfig = api.server.kubeconfig({ token: api.server.adminToken }).path;
    const s = api.server.store;
    const parent = s.put(workflow('data', 'etl-run-q8h2d'));
    parentUid = parent.metadata.uid ?? '';
    s.put(workflow('data', 'etl-run-7f2kq', { finalizers: [] }));
    s.put(workflow('reports', 'nightly-report-5jz7c', { phase: 'Running' }));
    s.put(gcPod('data', 'etl-run-q8h2d', 'Failed'));
    s.put(gcTask('data', 'etl-run-q8h2d', { name: 'etl-run-q8h2d', uid: parentUid }));
  });

  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
  });

  function kubectl(config: string, ...args: string[]): Promise<Run> {
    return new Promise((resolve) => {
      execFile(
        KUBECTL ?? 'kubectl',
        ['--kubeconfig', config, '--cache-dir', join(home, 'cache'), '--request-timeout=20s', ...args],
        { env: { PATH: process.env.PATH ?? '', HOME: home }, timeout: 30_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  it('get workflows -A prints the Workflow table with a NAMESPACE column', async () => {
    const r = await kubectl(remediatorConfig, 'get', 'workflows', '-A');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]?.split(/\s+/)).toEqual(['NAMESPACE', 'NAME', 'STATUS', 'AGE', 'MESSAGE']);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3))).toEqual([
      ['data', 'etl-run-7f2kq', 'Succeeded'],
      ['data', 'etl-run-q8h2d', 'Succeeded'],
      ['reports', 'nightly-report-5jz7c', 'Running'],
    ]);
  });

  it('get wf -n data -o json prints a v1 List of the Workflows', async () => {
    const r = await kubectl(remediatorConfig, 'get', 'wf', '-n', 'data', '-o', 'json');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { kind: string; items: { kind: string; metadata: { name: string; finalizers?: string[] } }[] };
    expect(list.kind).toBe('List');
    expect(list.items.map((i) => i.metadata.name)).toEqual(['etl-run-7f2kq', 'etl-run-q8h2d']);
    expect(list.items.every((i) => i.kind === 'Workflow')).toBe(true);
    expect(list.items[1]?.metadata.finalizers).toEqual([ARTIFACT_GC_FINALIZER]);
  });

  it('get wfat and get pods -l resolve short names and selectors', async () => {
    const tasks = await kubectl(remediatorConfig, 'get', 'wfat', '-n', 'data', '-o', 'name');
    expect(tasks.stdout.trim()).toBe('workflowartifactgctask.argoproj.io/etl-run-q8h2d-artgc-wfdel-1104873411-0');
    const pods = await kubectl(
      remediatorConfig, 'get', 'pods', '-n', 'data', '-l', 'workflows.argoproj.io/workflow=etl-run-q8h2d,workflows.argoproj.io/component=artifact-gc',
    );
    expect(pods.code).toBe(0);
    expect(pods.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\netl-run-q8h2d-artgc-wfdel-1104873411\s+0\/1\s+Failed\s+0\s+/);
    const none = await kubectl(remediatorConfig, 'get', 'pods', '-n', 'data', '-l', 'workflows.argoproj.io/workflow=nope');
    expect(none.stdout).toBe('');
    expect(none.stderr.trim()).toBe('No resources found in data namespace.');
  });

  it('patch --type=json with a failing test exits non-zero with what kubectl prints for a real cluster', async () => {
    const r = await kubectl(
      remediatorConfig, 'patch', 'wf', 'etl-run-q8h2d', '-n', 'data', '--type=json', '-p',
      JSON.stringify([
        { op: 'test', path: '/metadata/finalizers/0', value: 'example.com/not-this-one' },
        { op: 'remove', path: '/metadata/finalizers/0' },
      ]),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe('The request is invalid: the server rejected our request due to an error in our request');
    expect(api.server.store.get({ kind: 'Workflow', namespace: 'data', name: 'etl-run-q8h2d' })?.metadata.finalizers).toEqual([ARTIFACT_GC_FINALIZER]);
  });

  it('the remediator may not delete: kubectl shows the Forbidden message', async () => {
    const r = await kubectl(remediatorConfig, 'delete', 'wf', 'etl-run-q8h2d', '-n', 'data', '--wait=false');
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe(
      'Error from server (Forbidden): workflows.argoproj.io "etl-run-q8h2d" is forbidden: User "system:serviceaccount:argo:argo-finalizer-remediator" cannot delete resource "workflows" in API group "argoproj.io" in the namespace "data"',
    );
  });

  it('auth can-i reflects the ClusterRole', async () => {
    const patch = await kubectl(remediatorConfig, 'auth', 'can-i', 'patch', 'workflows.argoproj.io', '-n', 'data');
    expect(patch.stdout.trim()).toBe('yes');
    const del = await kubectl(remediatorConfig, 'auth', 'can-i', 'delete', 'workflows.argoproj.io', '-n', 'data');
    expect(del.stdout.trim()).toBe('no');
    expect(del.code).not.toBe(0);
  });

  it('delete --wait=false of a Workflow with the finalizer leaves it Terminating', async () => {
    const r = await kubectl(adminConfig, 'delete', 'wf', 'etl-run-q8h2d', '-n', 'data', '--wait=false');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('workflow.argoproj.io "etl-run-q8h2d" deleted');
    const got = await kubectl(remediatorConfig, 'get', 'wf', 'etl-run-q8h2d', '-n', 'data', '-o', 'json');
    const wf = JSON.parse(got.stdout) as { metadata: { deletionTimestamp?: string; finalizers?: string[] } };
    expect(wf.metadata.deletionTimestamp).toMatch(/Z$/);
    expect(wf.metadata.finalizers).toEqual([ARTIFACT_GC_FINALIZER]);
  });

  it('patch with passing tests removes the finalizer; the Workflow and its GC task disappear', async () => {
    const r = await kubectl(
      remediatorConfig, 'patch', 'wf', 'etl-run-q8h2d', '-n', 'data', '--type=json', '-p',
      JSON.stringify([
        { op: 'test', path: '/metadata/uid', value: parentUid },
        { op: 'test', path: '/metadata/finalizers/0', value: ARTIFACT_GC_FINALIZER },
        { op: 'remove', path: '/metadata/finalizers/0' },
      ]),
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('workflow.argoproj.io/etl-run-q8h2d patched');
    const gone = await kubectl(remediatorConfig, 'get', 'wf', 'etl-run-q8h2d', '-n', 'data');
    expect(gone.code).not.toBe(0);
    expect(gone.stderr.trim()).toBe('Error from server (NotFound): workflows.argoproj.io "etl-run-q8h2d" not found');
    const tasks = await kubectl(remediatorConfig, 'get', 'wfat', '-n', 'data', '-o', 'name');
    expect(tasks.stdout).toBe('');
  });

  it('create -f and apply -f work (server-side field validation found in the OpenAPI skeleton)', async () => {
    const file = join(home, 'wf.yaml');
    const manifest = (entrypoint: string): string =>
      `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: applied\n  namespace: reports\nspec:\n  entrypoint: ${entrypoint}\n`;
    writeFileSync(file, manifest('main'));
    const created = await kubectl(adminConfig, 'apply', '-f', file);
    expect(created.stderr).toBe('');
    expect(created.stdout.trim()).toBe('workflow.argoproj.io/applied created');
    writeFileSync(file, manifest('other'));
    const configured = await kubectl(adminConfig, 'apply', '-f', file);
    expect(configured.stdout.trim()).toBe('workflow.argoproj.io/applied configured');
    const wf = api.server.store.get({ kind: 'Workflow', namespace: 'reports', name: 'applied' });
    expect(wf?.spec).toEqual({ entrypoint: 'other' });
    expect(wf?.metadata.generation).toBe(2);
    const generateFile = join(home, 'gen.yaml');
    writeFileSync(generateFile, manifest('main').replace('name: applied', 'generateName: gen-'));
    const ok = await kubectl(adminConfig, 'create', '-f', generateFile);
    expect(ok.stdout.trim()).toMatch(/^workflow\.argoproj\.io\/gen-[a-z0-9]{5} created$/);
  });

  it('delete (waiting through a watch) returns once a finalizer-free Workflow is gone', async () => {
    const r = await kubectl(adminConfig, 'delete', 'wf', 'etl-run-7f2kq', '-n', 'data', '--timeout=15s');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(api.server.store.get({ kind: 'Workflow', namespace: 'data', name: 'etl-run-7f2kq' })).toBeUndefined();
  });
});
