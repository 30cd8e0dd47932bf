import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import type { CliIO } from '../../src/cli/io.js';
import { scanCommand } from '../../src/cli/scan.js';
import { type LocalApiServer, startApiServer } from '../../src/local/apiserver/index.js';
import { allSeeds, GC, NOW, parentWorkflowA } from './kube/fixtures.js';

const BIN = fileURLToPath(new URL('../../bin/argo-finalizer-remediator.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the real CLI as a child process. Async: the API server it talks to lives in this process. */
function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { PATH: process.env['PATH'], HOME: '/nonexistent', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

interface ScanJson {
  results: { workflow: { namespace: string; name: string }; verdict?: string; cause?: string; action: string; outcome: string; cap?: string }[];
}

const byName = (doc: ScanJson) => Object.fromEntries(doc.results.map((r) => [r.workflow.name, r]));
const wf = (namespace: string, name: string) => ({ kind: 'Workflow', namespace, name });
/** The decision records under DIR/audit/ (intent records and evidence bundles sit beside them). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const auditRecords = (dir: string): any[] =>
  readdirSync(join(dir, 'audit'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json') && !e.name.endsWith('.intent.json'))
    .map((e) => JSON.parse(readFileSync(join(e.parentPath, e.name), 'utf8')));

let server: LocalApiServer;
let kubeconfig: string;
beforeAll(async () => {
  server = await startApiServer({ seed: allSeeds() });
  kubeconfig = server.kubeconfig().path;
});
afterAll(() => server.close());
afterEach(() => {
  // Every test starts from the same three stuck Workflows: (a) removable, (b) GC failed, (c) GC running.
  for (const obj of allSeeds()) server.store.put(obj);
  server.store.put(parentWorkflowA({ finalizers: ['example.com/keep', GC], deleting: false }));
  server.requests.length = 0;
});

describe('scan (real binary against the local API server)', () => {
  beforeAll(() => {
    server.store.put(parentWorkflowA({ finalizers: ['example.com/keep', GC], deleting: false }));
  });

  it('dry run: assesses every candidate, changes nothing, prints one JSON document', async () => {
    const { code, stdout, stderr } = await run(['scan', '--kubeconfig', kubeconfig, '-A', '-o', 'json', '--now', NOW]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as ScanJson;
    const r = byName(doc);
    expect(Object.keys(r).sort()).toEqual(['etl-run-q8h2d', 'nightly-report-5jz7c', 'parent-wf-7xk2p']);
    expect(r['parent-wf-7xk2p']).toMatchObject({ verdict: 'remove', cause: 'no-pending-artifacts', action: 'would-remove', outcome: 'dry-run' });
    expect(r['etl-run-q8h2d']).toMatchObject({ verdict: 'notify', cause: 'gc-failed', action: 'none' });
    expect(r['nightly-report-5jz7c']).toMatchObject({ verdict: 'wait', cause: 'gc-running', action: 'none', outcome: 'waiting' });
    expect(server.requests.filter((q) => q.method === 'PATCH')).toHaveLength(0);
  });

  it('--apply: exactly the remove verdicts lose the finalizer, and every decision is audited', async () => {
    const auditDir = mkdtempSync(join(tmpdir(), 'afr-scan-audit-'));
    const { code, stdout, stderr } = await run(['scan', '--kubeconfig', kubeconfig, '-A', '-o', 'json', '--now', NOW, '--apply', '--audit-dir', auditDir]);
    expect(code).toBe(0);
    expect(stderr).toContain(`audit: 3 record(s) written, 0 already there, under ${auditDir}/audit/`);
    const records = auditRecords(auditDir);
    expect(records.map((rec) => [rec.decision.workflow.name, rec.decision.action, rec.apiOutcome.outcome]).sort()).toEqual([
      ['etl-run-q8h2d', 'none', 'needs-human (scan does not notify)'],
      ['nightly-report-5jz7c', 'none', 'waiting'],
      ['parent-wf-7xk2p', 'removed', 'patched'],
    ]);
    expect(records.find((rec) => rec.decision.action === 'removed').patchSent.at(-1)).toEqual({ op: 'remove', path: '/metadata/finalizers/1' });
    // The removal's evidence bundle and intent record were written under the same folder, before the patch.
    const removal = records.find((rec) => rec.decision.action === 'removed');
    expect(stderr).toContain(`evidence: 1 bundle(s) under ${auditDir}/evidence/`);
    expect(removal.evidenceKey).toMatch(/^evidence\/cluster=local\/date=\d{4}-\d{2}-\d{2}\/argo-workflows\/parent-wf-7xk2p\/[^/]+\/[0-9a-f]{32}\/$/);
    const manifest = readFileSync(join(auditDir, removal.evidenceKey, 'manifest.json'));
    expect(createHash('sha256').update(manifest).digest('hex')).toBe(removal.evidenceSha256);
    const intent = JSON.parse(readFileSync(join(auditDir, removal.intentKey), 'utf8'));
    expect(intent).toMatchObject({ kind: 'intent', action: { kind: 'remove-finalizer', patch: removal.patchSent }, evidence: { key: removal.evidenceKey, sha256: removal.evidenceSha256 } });
    expect(intent.decision.decisionId).toBe(removal.decision.decisionId);
    expect(records.filter((rec) => rec.evidenceKey !== null)).toHaveLength(1);
    const r = byName(JSON.parse(stdout) as ScanJson);
    expect(r['parent-wf-7xk2p']).toMatchObject({ verdict: 'remove', action: 'removed', outcome: 'patched' });
    expect(server.store.get(wf('argo-workflows', 'parent-wf-7xk2p'))!.metadata.finalizers).toEqual(['example.com/keep']);
    expect(server.store.get(wf('data', 'etl-run-q8h2d'))!.metadata.finalizers).toEqual([GC]);
    expect(server.store.get(wf('reports', 'nightly-report-5jz7c'))!.metadata.finalizers).toEqual([GC]);
    const patches = server.requests.filter((q) => q.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0]!.contentType).toBe('application/json-patch+json');
  });

  it('--apply that fails half way still audits the removals already done, then exits 1 with one line', async () => {
    const second = parentWorkflowA({ deleting: false }) as { metadata: Record<string, unknown> };
    Object.assign(second.metadata, { name: 'zz-parent', namespace: 'zz', uid: '00000000-0000-4000-8000-0000000000zz' });
    server.store.put(second);
    const fault = server.faults.add({ kind: 'status', code: 500, match: { method: 'PATCH', pathRegex: '/workflows/zz-parent$' } });
    const auditDir = mkdtempSync(join(tmpdir(), 'afr-scan-audit-'));
    try {
      const { code, stdout, stderr } = await run(['scan', '--kubeconfig', kubeconfig, '-A', '-o', 'json', '--now', NOW, '--apply', '--audit-dir', auditDir]);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^audit: 4 record\(s\) written, 0 already there, under .*\nevidence: 1 bundle\(s\) under .*\n.*patch workflows\.argoproj\.io zz\/zz-parent failed/);
      const removed = auditRecords(auditDir).filter((rec) => rec.decision.action === 'removed');
      expect(removed.map((rec) => rec.decision.workflow.name)).toEqual(['parent-wf-7xk2p']);
    } finally {
      fault.remove();
      server.store.remove({ kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1', namespace: 'zz', name: 'zz-parent' });
    }
  });

  it('--apply with more removable Workflows than --max-removals removes nothing, warns and exits 3', async () => {
    const auditDir = mkdtempSync(join(tmpdir(), 'afr-scan-audit-'));
    const { code, stdout, stderr } = await run(['scan', '--kubeconfig', kubeconfig, '-A', '-o', 'json', '--now', NOW, '--apply', '--max-removals', '0', '--audit-dir', auditDir]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/warning: 1 Workflows assess as removable, more than --max-removals 0: nothing was removed/);
    const doc = JSON.parse(stdout) as ScanJson;
    expect(doc.results).toHaveLength(3);
    expect(byName(doc)['parent-wf-7xk2p']).toMatchObject({
      verdict: 'remove',
      action: 'none',
      cap: 'held',
      outcome: 'cap-exceeded: 1 removable > max 0 (systemic cause suspected)',
    });
    expect(byName(doc)['nightly-report-5jz7c']).toMatchObject({ verdict: 'wait', action: 'none', outcome: 'waiting' });
    expect(server.requests.filter((q) => q.method === 'PATCH')).toHaveLength(0);
    expect(server.store.get(wf('argo-workflows', 'parent-wf-7xk2p'))!.metadata.finalizers).toEqual(['example.com/keep', GC]);
  });

  it('-n limits the scan to one namespace; -o table prints aligned columns without colour when piped', async () => {
    const { code, stdout } = await run(['scan', '--kubeconfig', kubeconfig, '-n', 'data', '-o', 'table', '--now', NOW]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+VERDICT\s+CAUSE\s+ACTION\s+OUTCOME$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^data\s+etl-run-q8h2d\s+notify\s+gc-failed/);
    expect(stdout).not.toContain('\u001b[');
  });

  it('a cluster that cannot be reached: one line on stderr, exit 1', async () => {
    const gone = await startApiServer();
    const path = gone.kubeconfig({ path: `${kubeconfig}.gone` }).path;
    await gone.close();
    const { code, stdout, stderr } = await run(['scan', '--kubeconfig', path, '-A', '-o', 'json']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/cluster unreachable: .*ECONNREFUSED/);
  });

  it('403: exit 1 naming the missing verb and resource', async () => {
    const nobody = await startApiServer({ tokens: { 'tok-nobody': 'system:serviceaccount:ops:nobody' }, seed: allSeeds() });
    try {
      const { code, stderr } = await run(['scan', '--kubeconfig', nobody.kubeconfig().path, '-A', '-o', 'json']);
      expect(code).toBe(1);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/forbidden: cannot list workflows\.argoproj\.io at the cluster scope/);
      expect(stderr).not.toContain('tok-nobody');
    } finally {
      await nobody.close();
    }
  });

  it('bad usage exits 2 with a one-line reason', async () => {
    for (const args of [
      ['scan', '--kubeconfig', kubeconfig, '-n', 'data', '-A'],
      ['scan', '--kubeconfig', kubeconfig, '--max-removals', 'many'],
      ['scan', '--kubeconfig', kubeconfig, '--quiet-period', 'soon'],
      ['scan', '--kubeconfig', '/nonexistent/kubeconfig'],
      ['scan', '--kubeconfig', kubeconfig, '--context', 'nope'],
      ['scan', '--kubeconfig', kubeconfig, '-n', 'Not_A_Namespace'],
    ]) {
      const { code, stderr } = await run(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
    }
  }, 120_000); // six cold starts of the binary on a shared 2-core machine

  it('honours KUBECONFIG when --kubeconfig is not given', async () => {
    const { code, stdout } = await run(['scan', '-n', 'reports', '-o', 'json', '--now', NOW], { KUBECONFIG: `/nonexistent:${kubeconfig}` });
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as ScanJson).results.map((r) => r.workflow.name)).toEqual(['nightly-report-5jz7c']);
  });
});

describe('scan on a terminal (in process, streams that say they are TTYs)', () => {
  function ttyIO(): { io: CliIO; out: () => string; err: () => string } {
    const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 200 });
    const stderr = Object.assign(new PassThrough(), { isTTY: true });
    let out = '';
    let err = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    return { io: { stdout, stderr, stdin: new PassThrough(), env: {} }, out: () => out, err: () => err };
  }

  it('defaults to a coloured table and shows a progress line rewritten in place on stderr', async () => {
    const t = ttyIO();
    const code = await scanCommand(['--kubeconfig', kubeconfig, '-A', '--now', NOW], t.io);
    expect(code).toBe(0);
    expect(t.out()).toContain('\u001b[');
    expect(t.out()).toMatch(/NAMESPACE.*NAME.*VERDICT.*CAUSE.*ACTION.*OUTCOME/);
    expect(t.err()).toContain('\rscanned 1...');
    expect(t.err()).toContain('\rscanned 3...');
    expect(t.err().endsWith('\r\u001b[K')).toBe(true);
  });

  it('NO_COLOR turns colour off even on a terminal', async () => {
    const t = ttyIO();
    t.io.env['NO_COLOR'] = '1';
    await scanCommand(['--kubeconfig', kubeconfig, '-A', '--now', NOW], t.io);
    expect(t.out()).not.toContain('\u001b[');
  });
});
