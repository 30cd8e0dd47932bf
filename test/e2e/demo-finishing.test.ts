// End to end: finishing GC in the demo (`npm start`), as it runs: verify -> removal by row 11, a completion from
// "AWS" (the demo's folder-backed buckets), a re-arm, and a Complete from AWS approved through the Slack click
// path (notify's button -> a click signed as Slack signs it -> interact -> the signals queue -> evaluate ->
// runFinishing). Every expectation is written here, not read from the demo's seed.
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACT_GC_FINALIZER } from '../../src/domain/assessment.js';
import type { Decision } from '../../src/domain/decision.js';
import { type DemoRun, runDemo } from '../../src/demo/run.js';

process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';

type Obj = Record<string, any>;
const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));

const outDir = mkdtempSync(join(tmpdir(), 'afr-e2e-finishing-'));
let run: DemoRun;
const get = (kind: string, namespace: string, name: string, apiVersion = 'argoproj.io/v1alpha1') => run.server.store.get({ kind, apiVersion, namespace, name }) as Obj | undefined;
const decisionsOf = (name: string): Decision[] => run.decisions.filter((d) => d.workflow.name === name);
const finished = (name: string): Decision => decisionsOf(name).find((d) => d.finishing?.applied)!;
const bucketFile = (bucket: string, key: string) => join(outDir, 'buckets', bucket, ...key.split('/'));
const requests = (method: string, path: RegExp) => run.server.requests.filter((r) => r.method === method && path.test(r.path));

beforeAll(async () => {
  run = await runDemo({ mode: 'remediate', outDir, approvals: true });
}, 120_000);
afterAll(async () => run?.server.close());

describe('finishing GC in the demo', () => {
  it('verify: the output that was never written is absent from its bucket, so row 11 removes the finalizer', () => {
    const d = finished('sensor-import-h4k7w');
    expect([d.verdict, d.cause, d.action]).toEqual(['remove', 'artifacts-verified-absent', 'removed']);
    expect(d.finishing).toMatchObject({ action: 'verify', outcome: 'verified-absent: finalizer removed', applied: true, apiStatus: 200 });
    expect(d.finishing!.checks).toEqual([{ node: 'sensor-import-h4k7w', name: 'rejects', result: 'absent', bucket: 'demo-sensors', key: 'sensor-import-h4k7w/rejects.csv' }]);
    // Its bundle and intent record were written before the PATCH; the Workflow (terminating) is gone with it.
    expect(existsSync(join(outDir, ...d.intentKey!.split('/')))).toBe(true);
    expect(existsSync(join(outDir, ...d.evidenceKey!.split('/'), 'manifest.json'))).toBe(true);
    expect(get('Workflow', 'sensors', 'sensor-import-h4k7w')).toBeUndefined();
    // Another Workflow's object in the same bucket is left alone.
    expect(existsSync(bucketFile('demo-sensors', 'other-run-z9z9z/rejects.csv'))).toBe(true);
  });

  it('complete: both objects deleted from the bucket and verified gone, the artifacts marked deleted for Argo', () => {
    const d = finished('lake-compact-9tq2c');
    expect(d.finishing).toMatchObject({ action: 'complete', outcome: 'completed: artifacts marked deleted', applied: true, deletedCount: 2, deletedBytes: 33 });
    expect(d.finishing!.deleted!.map((o) => [o.bucket, o.key, o.size])).toEqual([
      ['demo-lake', 'lake-compact-9tq2c/manifest.json', 14],
      ['demo-lake', 'lake-compact-9tq2c/lake-compact-9tq2c/main.log', 19],
    ]);
    for (const o of d.finishing!.deleted!) expect(existsSync(bucketFile(o.bucket, o.key)), o.key).toBe(false);
    // Nothing pending any more: Argo's controller removes the finalizer by its own rule (the demo runs none).
    expect([d.verdict, d.cause, d.action]).toEqual(['remove', 'no-pending-artifacts', 'none']);
    const live = get('Workflow', 'lake', 'lake-compact-9tq2c')!;
    expect(live.metadata.finalizers).toEqual([ARTIFACT_GC_FINALIZER]);
    const artifacts = live.status.nodes['lake-compact-9tq2c'].outputs.artifacts as Array<{ name: string; deleted?: boolean }>;
    expect(artifacts.map((a) => [a.name, a.deleted])).toEqual([
      ['manifest', true],
      ['main-logs', true],
    ]);
  });

  it('rearm: the GC task deleted and the strategy cleared for the controller; the verdict waits on the re-arm', () => {
    const d = finished('batch-export-2m6xd');
    expect([d.verdict, d.cause, d.action]).toEqual(['wait', 'gc-rearmed', 'none']);
    expect(d.finishing).toMatchObject({ action: 'rearm', outcome: 'rearmed', applied: true, rearm: { attempt: 1, strategies: ['OnWorkflowDeletion'], tasksDeleted: ['batch-export-2m6xd-artgc-wfdel-2166136261-0'] } });
    expect(requests('DELETE', /\/namespaces\/batch\/workflowartifactgctasks\/batch-export-2m6xd-artgc-wfdel-2166136261-0$/)).toHaveLength(1);
    expect(get('WorkflowArtifactGCTask', 'batch', 'batch-export-2m6xd-artgc-wfdel-2166136261-0')).toBeUndefined();
    const live = get('Workflow', 'batch', 'batch-export-2m6xd')!;
    expect(live.status.artifactGCStatus.strategiesProcessed).toEqual({ OnWorkflowCompletion: true });
    expect(JSON.parse(live.metadata.annotations['argo-finalizer-remediator/rearm'])).toMatchObject({ count: 1 });
    expect(live.metadata.finalizers).toEqual([ARTIFACT_GC_FINALIZER]);
  });

  it('offers Complete from AWS only where completion needs an approval, its dialog naming what it deletes', () => {
    const messages = files(run.slackDir).filter((f) => !f.includes('response-')).map((f) => JSON.parse(readFileSync(f, 'utf8')) as { blocks: Obj[] });
    const buttons = messages.flatMap((m) => m.blocks.filter((b) => b.type === 'actions').flatMap((b) => (b.elements as Obj[]).map((e): Obj => ({ block: b.block_id as string, ...e }))));
    const completes = buttons.filter((b) => b.action_id === 'afr.complete');
    expect(completes).toHaveLength(1);
    const dbt = run.decisions.find((d) => d.workflow.name === 'dbt-nightly-6fj3p' && d.verdict === 'notify')!;
    expect(completes[0]!.block).toBe(`afr:${dbt.decisionId}`);
    expect(completes[0]!.confirm.text.text).toBe(
      'Deletes 1 object and everything under 1 prefix in s3://demo-warehouse/dbt-nightly-6fj3p/ for warehouse/dbt-nightly-6fj3p, ' +
        'checks each is gone, then lets the finalizer go. Never deletes an object version. Done only if the Workflow is unchanged.',
    );
    // Retry GC where the policy lets an approval re-arm (the default here), never on the Workflow whose GC pod runs.
    const etl = run.decisions.find((d) => d.workflow.name === 'etl-run-q8h2d' && d.verdict === 'notify')!;
    const train = run.decisions.find((d) => d.workflow.name === 'train-model-4kq9z' && d.verdict === 'notify')!;
    const actionsOf = (d: Decision) => buttons.filter((b) => b.block === `afr:${d.decisionId}`).map((b) => b.action_id);
    expect(actionsOf(etl)).toEqual(['afr.rearm', 'afr.remove', 'afr.snooze', 'afr.deny']);
    expect(actionsOf(dbt)).toEqual(['afr.rearm', 'afr.complete', 'afr.remove', 'afr.snooze', 'afr.deny']);
    expect(actionsOf(train)).toEqual(['afr.remove', 'afr.snooze', 'afr.deny']);
  });

  it('an approved Complete from AWS is acted on through the click path: objects gone, artifacts marked, the message replaced', () => {
    const click = run.approvals.find((a) => a.action === 'complete')!;
    expect(click).toMatchObject({ workflow: 'warehouse/dbt-nightly-6fj3p', http: { status: 200 }, outcome: 'acted' });
    expect(click.reason).toBe('Complete from AWS approved by dana.ops: deleted 3 object(s), 33 byte(s); completed: artifacts marked deleted');
    for (const key of ['dbt-nightly-6fj3p/run_results.json', 'dbt-nightly-6fj3p/docs/index.html', 'dbt-nightly-6fj3p/docs/catalog.json']) {
      expect(existsSync(bucketFile('demo-warehouse', key)), key).toBe(false);
    }
    const live = get('Workflow', 'warehouse', 'dbt-nightly-6fj3p')!;
    const artifacts = live.status.nodes['dbt-nightly-6fj3p'].outputs.artifacts as Array<{ name: string; deleted?: boolean }>;
    expect(artifacts.map((a) => [a.name, a.deleted])).toEqual([
      ['run-results', true],
      ['docs', true],
    ]);
    // The approved action's own decision is audited with who approved it, before and after the deletes.
    const records = files(join(outDir, 'audit')).map((f) => JSON.parse(readFileSync(f, 'utf8')) as Obj);
    const approved = records.filter((r) => r.kind === 'decision' && r.decision.workflow.name === 'dbt-nightly-6fj3p' && r.decision.approvedBy);
    expect(approved).toHaveLength(1);
    expect(approved[0]!.decision.approvedBy).toEqual([expect.objectContaining({ id: 'U0DEMO0APPROVER', name: 'dana.ops' })]);
    expect(approved[0]!.decision.finishing).toMatchObject({ action: 'complete', applied: true, deletedCount: 3 });
    // Slack: the original message is replaced through the click's response_url.
    const responses = files(run.slackDir).filter((f) => f.includes('response-')).map((f) => JSON.parse(readFileSync(f, 'utf8')) as { text: string; replace_original?: boolean });
    expect(responses.filter((r) => r.text.includes('Complete from AWS approved by dana.ops'))).toEqual([expect.objectContaining({ replace_original: true })]);
  });
});
