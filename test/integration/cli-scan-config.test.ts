// scan with --config, the cap's exit code, kubectl's output formats, and the errors a user meets first,
// through the real binary against the local API server (and two servers that misbehave on purpose).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { CliIO } from '../../src/cli/io.js';
import { scanCommand } from '../../src/cli/scan.js';
import { type LocalApiServer, startApiServer } from '../../src/local/apiserver/index.js';
import { runCli } from '../helpers/cli.js';
import { allSeeds, GC, NOW, parentWorkflowA } from './kube/fixtures.js';

interface ScanRow {
  workflow: { namespace: string; name: string };
  verdict?: string;
  cause?: string;
  action: string;
  outcome: string;
  cap?: string;
}

/** A second removable Workflow, in a namespace of its own. */
function removableIn(namespace: string): Record<string, unknown> {
  const wf = parentWorkflowA({ finalizers: [GC] }) as { metadata: Record<string, unknown> };
  return { ...wf, metadata: { ...wf.metadata, namespace, name: `parent-${namespace}`, uid: `uid-${namespace}` } };
}

const seeds = () => [...allSeeds(), removableIn('team-a'), removableIn('kube-junk')];
let server: LocalApiServer;
let dir: string;
let kubeconfig: string;
beforeEach(() => {
  // Every test starts from the same Workflows: three removable, one failed, one running.
  for (const obj of seeds()) server?.store.put(obj);
  if (server) server.requests.length = 0;
});
beforeAll(async () => {
  server = await startApiServer({ seed: seeds() });
  dir = mkdtempSync(join(tmpdir(), 'afr-cli-scan-config-'));
  kubeconfig = server.kubeconfig({ path: join(dir, 'kubeconfig') }).path;
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const config = (clusterExtra: Record<string, unknown>) => {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  const doc = { clusters: [{ name: 'local', auth: { type: 'kubeconfig', path: kubeconfig }, ...clusterExtra }] };
  writeFileSync(path, JSON.stringify(doc));
  return path;
};

describe('scan --config FILE', () => {
  it("takes auth, namespace scope, per-namespace modes and the cap from the configuration", async () => {
    const file = config({ mode: 'dry-run', namespaces: { exclude: ['kube-*'] }, namespaceModes: { 'team-*': 'remediate' }, maxRemovalsPerSweep: 5 });
    const auditDir = join(dir, 'audit-config');
    const r = await runCli(['scan', '--config', file, '-A', '--apply', '--now', NOW, '-o', 'json', '--audit-dir', auditDir]);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout).results as ScanRow[];
    const by = Object.fromEntries(rows.map((row) => [row.workflow.name, row]));
    expect(by['parent-kube-junk']).toBeUndefined(); // excluded: not even read
    expect(by['parent-team-a']).toMatchObject({ verdict: 'remove', action: 'removed' });
    expect(by['parent-wf-7xk2p']).toMatchObject({ verdict: 'remove', action: 'would-remove' });
    expect(by['parent-wf-7xk2p']!.outcome).toMatch(/^dry-run \(.*cluster mode dry-run\)$/);
    expect(server.store.get({ kind: 'Workflow', namespace: 'argo-workflows', name: 'parent-wf-7xk2p' })).toBeDefined();
  });

  it('refuses an invalid configuration with its problems, and --kubeconfig next to --config', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'clusters:\n  - name: local\n    auth: {type: kubeconfig}\n    mdoe: remediate\n');
    const r = await runCli(['scan', '--config', bad, '-A']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('clusters[0].mdoe: unknown key');
    expect(r.stderr).toContain(`config check ${bad} lists every problem`);
    const both = await runCli(['scan', '--config', bad, '--kubeconfig', kubeconfig]);
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining('not both')]);
  });
});

describe('scan: the cap, exit codes and output formats', () => {
  it('--apply over the cap exits 3, removes nothing, and keeps each row its own verdict with a cap column', async () => {
    const r = await runCli(['scan', '--kubeconfig', kubeconfig, '-A', '--apply', '--max-removals', '1', '--now', NOW, '-o', 'json', '--audit-dir', join(dir, 'audit-cap')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/warning: 3 Workflows assess as removable, more than --max-removals 1: nothing was removed.*exit code 3/);
    const doc = JSON.parse(r.stdout) as { results: ScanRow[]; cap: unknown };
    expect(doc.cap).toEqual({ max: 1, removable: 3, exceeded: true });
    const by = Object.fromEntries(doc.results.map((row) => [row.workflow.name, row]));
    expect(by['parent-wf-7xk2p']).toMatchObject({ verdict: 'remove', action: 'none', cap: 'held', outcome: 'cap-exceeded: 3 removable > max 1 (systemic cause suspected)' });
    expect(by['nightly-report-5jz7c']).toMatchObject({ verdict: 'wait', action: 'none', outcome: 'waiting' });
    expect(by['nightly-report-5jz7c']!.cap).toBeUndefined();
    expect(by['etl-run-q8h2d']).toMatchObject({ verdict: 'notify', outcome: 'needs-human (scan does not notify)' });
    expect(server.requests.filter((q) => q.method === 'PATCH')).toHaveLength(0);
  });

  it('the dry run over the cap exits 0; the table gets a CAP column, -o wide more columns, -o yaml one document', async () => {
    const table = await runCli(['scan', '--kubeconfig', kubeconfig, '-A', '--max-removals', '1', '--now', NOW]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+VERDICT\s+CAUSE\s+ACTION\s+CAP\s+OUTCOME$/);
    expect(lines.find((l) => l.includes('nightly-report'))).toMatch(/wait\s+gc-running\s+none\s+-\s+waiting/);
    expect(lines.find((l) => l.includes('team-a'))).toMatch(/remove\s+no-pending-artifacts\s+none\s+held\s+cap-exceeded/);

    const wide = await runCli(['scan', '--kubeconfig', kubeconfig, '-n', 'reports', '--now', NOW, '-o', 'wide']);
    expect(wide.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+VERDICT\s+CAUSE\s+ACTION\s+PENDING\s+UID\s+OUTCOME$/);
    expect(wide.stdout).toMatch(/waiting; .*quiet period 30m/);

    const yaml = await runCli(['scan', '--kubeconfig', kubeconfig, '-n', 'reports', '--now', NOW, '-o', 'yaml']);
    expect(yaml.code).toBe(0);
    expect((parseYaml(yaml.stdout) as { results: ScanRow[] }).results.map((row) => row.cause)).toEqual(['gc-running']);
  });
});

describe('scan: errors that say what to do', () => {
  let notArgo: Server;
  let blackHole: TcpServer;
  const sockets: Socket[] = [];
  const url = (s: Server | TcpServer) => `http://127.0.0.1:${(s.address() as { port: number }).port}`;
  const kubeconfigFor = (server: string) => {
    const path = join(dir, `kc-${Math.random().toString(36).slice(2)}`);
    writeFileSync(
      path,
      `apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters: [{name: c, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]\n` +
        'users: [{name: u, user: {token: t0ken}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\n',
    );
    return path;
  };
  beforeAll(async () => {
    // A Kubernetes API server without the Argo CRDs answers 404 with a plain-text body.
    notArgo = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n'));
    // A black hole: accepts the connection and never answers, like a firewalled private endpoint.
    blackHole = createTcpServer((socket) => void sockets.push(socket));
    await Promise.all([new Promise<void>((r) => notArgo.listen(0, '127.0.0.1', r)), new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', r))]);
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all([new Promise((r) => notArgo.close(r)), new Promise((r) => blackHole.close(r))]);
  });

  it('a 404 on the Workflows API says the Argo CRDs may be missing', async () => {
    const r = await runCli(['scan', '--kubeconfig', kubeconfigFor(url(notArgo)), '-A']);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${url(notArgo)} has no argoproj.io/v1alpha1 workflows API (HTTP 404): the Argo Workflows CRDs may be missing`);
    expect(r.stderr).not.toContain('HTTP 404 (HTTP 404)');
  });

  it('a server that never answers: --request-timeout bounds each attempt and the error names the endpoint', async () => {
    const r = await runCli(['scan', '--kubeconfig', kubeconfigFor(url(blackHole)), '-A', '--request-timeout', '300ms']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^argo-finalizer-remediator: cannot reach ${url(blackHole)}: .*request timed out.*4 attempts`));
    expect(r.stderr).not.toContain('t0ken');
  });

  it('on a terminal, every retry is shown with the endpoint, so waiting is never silent', async () => {
    const stderr = Object.assign(new PassThrough(), { isTTY: true });
    let err = '';
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    const io: CliIO = { stdout: new PassThrough(), stderr, stdin: new PassThrough(), env: {} };
    await expect(scanCommand(['--kubeconfig', kubeconfigFor(url(blackHole)), '-A', '--request-timeout', '0.2s'], io)).rejects.toThrow(/cannot reach/);
    const retries = err.split('\n').filter((l) => l.startsWith(`${url(blackHole)}: request timed out; attempt `));
    expect(retries).toHaveLength(3);
  });

  it('--request-timeout takes kubectl forms and refuses others with exit 2', async () => {
    const r = await runCli(['scan', '--kubeconfig', kubeconfig, '--request-timeout', 'soon']);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('--request-timeout must be a duration')]);
  });
});
