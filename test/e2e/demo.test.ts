import { createHash } from 'node:crypto';
// End to end: the demo pipeline, as `npm start` runs it, and then once more over the same cluster state.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { ARTIFACT_GC_FINALIZER } from '../../src/domain/assessment.js';
import { Decision } from '../../src/domain/decision.js';
import { runDemo, type DemoRun } from '../../src/demo/run.js';
import { kubectlTool } from '../helpers/kubectl.js';

process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
const workflowInStore = (run: DemoRun, namespace: string, name: string) =>
  run.server.store.get({ kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1', namespace, name }) as { metadata: { finalizers?: string[] } } | undefined;

/**
 * What each demo Workflow must come to, written here rather than read from src/demo/seed.ts: the seed's own `expect`
 * is the product's claim about itself, and a test that reads it passes whatever the product decides.
 */
const EXPECTED: [namespace: string, name: string, verdict: string, cause: string][] = [
  ['argo-workflows', 'parent-wf-7xk2p', 'remove', 'no-pending-artifacts'],
  ['argo-workflows', 'child-wf-bdvxw', 'ignore', 'no-finalizer'],
  ['data', 'etl-run-q8h2d', 'notify', 'gc-failed'],
  ['ml', 'train-model-4kq9z', 'notify', 'gc-pod-stuck'],
  ['reports', 'nightly-report-5jz7c', 'wait', 'gc-running'],
  ['data', 'backfill-2w8rt', 'wait', 'workflow-not-finished'],
  ['sandbox', 'scratch-run-x7p2m', 'remove', 'force-removal-declared'],
  ['data', 'ingest-daily-m3n8b', 'remove', 'gc-succeeded-unrecouped'],
  ['finance', 'monthly-close-p9c4d', 'ignore', 'awaiting-deletion'],
  ['argo-workflows', 'hello-world-8xv2k', 'ignore', 'no-finalizer'],
  ['argo-workflows', 'hello-world-q4m7n', 'ignore', 'no-finalizer'],
  // Finishing GC (their actions are checked in demo-finishing.test.ts): the decision after each action.
  ['sensors', 'sensor-import-h4k7w', 'remove', 'artifacts-verified-absent'],
  ['lake', 'lake-compact-9tq2c', 'remove', 'no-pending-artifacts'],
  ['batch', 'batch-export-2m6xd', 'wait', 'gc-rearmed'],
  ['warehouse', 'dbt-nightly-6fj3p', 'notify', 'gc-failed'],
];

describe('demo (npm start)', () => {
  it('runs through the real binary, prints the contract JSON and exits 0', () => {
    const out = mkdtempSync(join(tmpdir(), 'afr-e2e-'));
    const r = spawnSync(process.execPath, ['bin/argo-finalizer-remediator.mjs', 'demo', '-o', 'json', '--out', out], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc).sort()).toEqual(['approvals', 'auditDir', 'decisions', 'slackMessages']);
    // Two clicks approved and acted on (a removal, a Complete from AWS), one refused because the Workflow changed,
    // one forged and refused.
    expect(doc.approvals.map((a: { action: string; http: { status: number }; outcome: string }) => [a.action, a.http.status, a.outcome])).toEqual([
      ['remove', 200, 'acted'],
      ['complete', 200, 'acted'],
      ['rearm', 200, 'not-done'],
      ['deny', 401, 'refused'],
    ]);
    expect(doc.approvals[1].reason).toContain('Complete from AWS approved by dana.ops: deleted 3 object(s)');
    expect(doc.approvals[2].reason).toContain('Not done: the Workflow changed since the message (now: gc-running)');
    expect(doc.decisions.map((d: unknown) => Decision.parse(d))).toHaveLength(14);
    expect(doc.auditDir).toBe(join(out, 'audit'));
    expect(doc.slackMessages).toBe(5);
    expect(r.stderr).toContain('› evaluate: batch of 10');
  });

  it('leaves nothing behind without --out: its temporary folder is removed and auditDir is null', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'afr-e2e-tmp-'));
    const r = spawnSync(process.execPath, ['bin/argo-finalizer-remediator.mjs', 'demo', '-o', 'json'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, TMPDIR: scratch },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).auditDir).toBeNull();
    // tsx keeps its compile cache there on purpose (reused by the next run, one folder per user): not a leftover.
    expect(readdirSync(scratch).filter((name) => !name.startsWith('tsx-'))).toEqual([]);
    rmSync(scratch, { recursive: true, force: true });
  });

  const kubectl = kubectlTool();
  it.skipIf(!kubectl.path)(
    `--keep-running leaves the API server up for kubectl and scan, and stops on Ctrl-C${kubectl.skipNote}`,
    async () => {
      const out = mkdtempSync(join(tmpdir(), 'afr-e2e-'));
      const child = spawn(process.execPath, ['bin/argo-finalizer-remediator.mjs', 'demo', '--keep-running', '-o', 'json', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => void (stderr += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      let kubeconfig = '';
      try {
        for (let i = 0; i < 300 && !stderr.includes('Press Ctrl-C'); i++) await sleep(100);
        kubeconfig = /kubectl --kubeconfig (\S+) get workflows -A/.exec(stderr)?.[1] ?? '';
        expect(kubeconfig).not.toBe('');
        const listed = execFileSync('kubectl', ['--kubeconfig', kubeconfig, 'get', 'workflows', '-A', '-o', 'name'], { encoding: 'utf8' });
        expect(listed).toContain('workflow.argoproj.io/etl-run-q8h2d');
        expect(listed).not.toContain('parent-wf-7xk2p'); // removed by the demo, so gone
      } finally {
        child.kill('SIGINT');
      }
      expect(await exited).toBe(0);
      // The kubeconfig held the admin token: it must not outlive the demo, even with --out.
      expect(existsSync(kubeconfig)).toBe(false);
    },
  );

  const outDir = mkdtempSync(join(tmpdir(), 'afr-e2e-'));
  let first: DemoRun;
  // Finished by the remediator (verify, complete, re-arm): their decisions are checked in demo-finishing.test.ts.
  const FINISHED = new Set(['sensor-import-h4k7w', 'lake-compact-9tq2c', 'batch-export-2m6xd']);
  afterAll(async () => first?.server.close());

  it('removes exactly the safe finalizers, notifies each stuck Workflow once, audits every decision', async () => {
    first = await runDemo({ mode: 'remediate', outDir });
    const byName = new Map(first.decisions.map((d) => [d.workflow.name, d]));
    // Every decision is about a Workflow of the table: one the table does not know would go unchecked.
    expect([...byName.keys()].filter((n) => !EXPECTED.some(([, name]) => name === n))).toEqual([]);
    for (const [namespace, name, verdict, cause] of EXPECTED) {
      const d = byName.get(name);
      if (name === 'child-wf-bdvxw') {
        // Its parent's removal let the parent go, and the garbage collector took the owned child with it.
        expect(d).toBeUndefined();
        continue;
      }
      expect([name, d?.verdict, d?.cause]).toEqual([name, verdict, cause]);
      if (FINISHED.has(name)) continue;
      const live = workflowInStore(first, namespace, name);
      if (verdict === 'remove') {
        expect(d?.action).toBe('removed');
        // Every removable demo Workflow was terminating: with its last finalizer gone, it is gone.
        expect(live).toBeUndefined();
      } else if (live?.metadata.finalizers !== undefined && cause !== 'no-finalizer') {
        expect(live.metadata.finalizers).toContain(ARTIFACT_GC_FINALIZER);
      }
    }
    // Three safe removals, then finishing: the verified-absent removal, the completion's deleted marks, the re-arm.
    expect(first.patches).toBe(6);

    const slack = files(first.slackDir).map((f) => readFileSync(f, 'utf8'));
    const needsSlack = first.decisions.filter((d) => d.verdict === 'notify' || d.notifyOperator);
    // One message per (cluster, cause) in a batch: the two gc-failed Workflows (etl-run, dbt-nightly) share a digest.
    expect(slack).toHaveLength(5);
    expect(needsSlack.length).toBeGreaterThan(slack.length);
    for (const d of needsSlack) expect(slack.filter((m) => m.includes(`${d.workflow.namespace}/${d.workflow.name}`))).toHaveLength(1);

    const records = files(join(outDir, 'audit')).map((f) => JSON.parse(readFileSync(f, 'utf8')));
    const decisionRecords = records.filter((r) => r.kind === 'decision');
    expect(decisionRecords.map((r) => r.decision.decisionId).sort()).toEqual(first.decisions.map((d) => d.decisionId).sort());
    expect(records.filter((r) => r.kind === 'signal-rejected')).toHaveLength(1);
    const removed = decisionRecords.find((r) => r.decision.workflow.name === 'parent-wf-7xk2p');
    expect(removed.patchSent).toEqual(first.decisions.find((d) => d.workflow.name === 'parent-wf-7xk2p')!.patch);
    expect(removed.apiOutcome).toEqual({ status: 200, outcome: 'patched' });
  });

  it('every removal has its evidence bundle and intent record; the nested parent has empty GC evidence, the forced one its orphans', () => {
    const removals = first.decisions.filter((d) => d.action === 'removed' && !d.finishing);
    expect(removals.map((d) => d.workflow.name).sort()).toEqual(['ingest-daily-m3n8b', 'parent-wf-7xk2p', 'scratch-run-x7p2m']);
    const read = (key: string) => readFileSync(join(outDir, ...key.split('/')));
    for (const d of removals) {
      const manifest = read(`${d.evidenceKey}manifest.json`);
      expect(createHash('sha256').update(manifest).digest('hex'), d.workflow.name).toBe(d.evidenceSha256);
      for (const f of JSON.parse(manifest.toString()).files as { path: string; sha256: string }[]) {
        expect(createHash('sha256').update(read(d.evidenceKey + f.path)).digest('hex'), `${d.workflow.name} ${f.path}`).toBe(f.sha256);
      }
      const intent = JSON.parse(read(d.intentKey!).toString());
      expect(intent).toMatchObject({ kind: 'intent', action: { kind: 'remove-finalizer', patch: d.patch }, evidence: { key: d.evidenceKey, sha256: d.evidenceSha256 } });
      const record = JSON.parse(read(d.intentKey!.replace(/\.intent\.json$/, '.json')).toString());
      expect({ evidenceKey: record.evidenceKey, evidenceSha256: record.evidenceSha256, intentKey: record.intentKey }).toEqual({ evidenceKey: d.evidenceKey, evidenceSha256: d.evidenceSha256, intentKey: d.intentKey });
    }
    const bundleOf = (name: string) => removals.find((d) => d.workflow.name === name)!.evidenceKey!;
    const parent = bundleOf('parent-wf-7xk2p');
    expect(JSON.parse(read(`${parent}gc-pods.json`).toString())).toEqual([]);
    expect(JSON.parse(read(`${parent}gc-tasks.json`).toString())).toEqual([]);
    expect(JSON.parse(read(`${parent}events.json`).toString()).map((e: { reason: string }) => e.reason)).toEqual(['WorkflowSucceeded']);
    expect(JSON.parse(read(`${parent}assessment.json`).toString()).orphans).toEqual([]);
    const forced = JSON.parse(read(`${bundleOf('scratch-run-x7p2m')}assessment.json`).toString());
    expect(forced.orphans.map((o: { name: string; location: string }) => [o.name, o.location])).toEqual([['tmp-out', 's3://argo-artifacts/scratch/00000000-0000-4000-8000-000000000007/out.bin']]);
    // The GC pod the controller never recouped: its log (the S3 delete lines) is kept before the cascade deletes it.
    const trapped = bundleOf('ingest-daily-m3n8b');
    expect(read(`${trapped}logs/ingest-daily-m3n8b-artgc-wfdel-2166136261/main.log`).toString()).toContain('msg="S3 Delete" key=ingest/00000000-0000-4000-8000-000000000008/snapshot.parquet');
    // Slack shows where the bundle is, never what is in it.
    const slack = files(first.slackDir).map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(slack).toContain(bundleOf('scratch-run-x7p2m'));
    expect(slack).not.toContain('msg=\\"S3 Delete');
  });

  it('a second run over the same state changes nothing and sends nothing new, but lets the completed Workflow go', async () => {
    const auditBefore = files(join(outDir, 'audit')).length;
    const evidenceBefore = files(join(outDir, 'evidence')).length;
    const slackBefore = files(first.slackDir).length;
    const second = await runDemo({ mode: 'remediate', outDir, server: first.server });
    // The completion marked every artifact deleted; Argo's controller would then remove the finalizer by its own
    // rule. The demo runs no controller, so the second pass does it: nothing is pending (row 7).
    const removed = second.decisions.filter((d) => d.action === 'removed');
    expect(removed.map((d) => [d.workflow.name, d.cause, d.outcome])).toEqual([['lake-compact-9tq2c', 'no-pending-artifacts', 'patched']]);
    expect(second.patches).toBe(1);
    expect(second.slackMessages).toBe(0);
    const known = new Set(first.decisions.map((d) => d.decisionId));
    expect(second.decisions.filter((d) => !known.has(d.decisionId)).map((d) => d.workflow.name)).toEqual(['lake-compact-9tq2c']);
    // Its decision record and its intent record; its evidence bundle.
    expect(files(join(outDir, 'audit'))).toHaveLength(auditBefore + 2);
    expect(files(join(outDir, 'evidence')).length).toBeGreaterThan(evidenceBefore);
    expect(files(first.slackDir)).toHaveLength(slackBefore);
  });

  it('dry run removes nothing and says what it would remove', async () => {
    const run = await runDemo({ mode: 'dry-run', outDir: mkdtempSync(join(tmpdir(), 'afr-e2e-')) });
    try {
      expect(run.patches).toBe(0);
      // The repeated event for the nested parent lands in another batch: judged again, same decision id.
      const removable = new Map(run.decisions.filter((d) => d.verdict === 'remove').map((d) => [d.decisionId, d.action]));
      // The three safe ones, and the verified-absent one: verify only reads, even in a dry run.
      expect([...removable.values()]).toEqual(['would-remove', 'would-remove', 'would-remove', 'would-remove']);
      expect(workflowInStore(run, 'argo-workflows', 'parent-wf-7xk2p')?.metadata.finalizers).toEqual([ARTIFACT_GC_FINALIZER]);
    } finally {
      await run.server.close();
    }
  });
});
