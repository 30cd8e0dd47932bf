import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { WorkflowSignal } from '../../src/signals/signal.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin/argo-finalizer-remediator.mjs');
const fixture = (name: string) => join(root, 'test/fixtures/events', name);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real binary in a child process, as a user or a script runs it. */
function cli(args: string[], stdin?: string | Buffer): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'explain-event', ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // A child that stops reading early (oversize input) closes its end; that is expected.
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin ?? '');
  });
}

interface Explained {
  signals: WorkflowSignal[];
  ignored: { reason: string }[];
  rejected: { messageId: string; reason: string }[];
}

async function json(args: string[], stdin?: string): Promise<Explained> {
  const run = await cli([...args, '-o', 'json'], stdin);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const doc = JSON.parse(run.stdout) as Explained;
  expect(Object.keys(doc)).toEqual(['signals', 'ignored', 'rejected']);
  for (const signal of doc.signals) WorkflowSignal.parse(signal);
  return doc;
}

const etl = { namespace: 'argo', name: 'etl-7xk2p', uid: '9b2f6a1e-8c3d-4e5f-a6b7-c8d9e0f1a2b3' };

describe('explain-event (the real binary)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'afr-explain-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it.each([
    ['exporter-artifact-gc-failed.json', [{ ...etl, cluster: 'prod-eks-euw1', resourceVersion: '48213370', source: 'event-exporter', reason: 'ArtifactGCFailed' }]],
    [
      'exporter-workflow-succeeded.json',
      [
        {
          cluster: 'default',
          namespace: 'data-jobs',
          name: 'nightly-report-q8h2d',
          uid: '7f3e2d1c-0b9a-4876-a5b4-c3d2e1f0a9b8',
          resourceVersion: '9120031',
          source: 'event-exporter',
          reason: 'WorkflowSucceeded',
        },
      ],
    ],
    ['eventbridge-envelope.json', [{ ...etl, cluster: 'prod-eks-euw1', resourceVersion: '48213370', source: 'eventbridge', reason: 'ArtifactGCFailed' }]],
    ['eventbridge-templated-details.json', [{ ...etl, cluster: 'prod-eks-euw1', resourceVersion: '48213370', source: 'eventbridge', reason: 'ArtifactGCFailed' }]],
    ['sqs-record-exporter-body.json', [{ ...etl, cluster: 'prod-eks-euw1', resourceVersion: '48213370', source: 'event-exporter', reason: 'ArtifactGCFailed' }]],
    [
      'sqs-record-exporter-layout.json',
      [
        {
          cluster: 'staging-eks-use1',
          namespace: 'data-jobs',
          name: 'nightly-report-q8h2d',
          uid: '7f3e2d1c-0b9a-4876-a5b4-c3d2e1f0a9b8',
          source: 'event-exporter',
          reason: 'WorkflowSucceeded',
        },
      ],
    ],
    ['argo-events-resource-update.json', [{ ...etl, cluster: 'prod-eks-euw1', resourceVersion: '48213377', source: 'argo-events', reason: 'UPDATE' }]],
    ['argo-events-whole-event-base64.json', [{ ...etl, cluster: 'default', resourceVersion: '48213377', source: 'argo-events', reason: 'ADD' }]],
    ['argo-events-cloudevent-base64.json', [{ ...etl, cluster: 'default', resourceVersion: '48213377', source: 'argo-events', reason: 'ADD' }]],
    ['sweep-message.json', [{ ...etl, cluster: 'prod-eks-euw1', resourceVersion: '48213377', source: 'sweep' }]],
    ['requeue-message.json', [{ ...etl, cluster: 'prod-eks-euw1', resourceVersion: '48213377', source: 'requeue', reason: 'ArtifactGCFailed', attempt: 2 }]],
  ])('%s -> its Workflow reference', async (name, signals) => {
    expect(await json([fixture(name)])).toEqual({ signals, ignored: [], rejected: [] });
  });

  it.each([
    ['workflowtemplate-event.json', 'involvedObject is argoproj.io/WorkflowTemplate, not a Workflow'],
    ['cronworkflow-event.json', 'involvedObject is argoproj.io/CronWorkflow, not a Workflow'],
    ['workflow-other-group.json', 'involvedObject is workflows.example.com/Workflow, not an argoproj.io Workflow'],
    ['pod-event.json', expect.stringMatching(/^involvedObject is core\/Pod, not a Workflow \(artifact-GC pod of Workflow "etl-7xk2p"/)],
    ['opsgenie-empty-involved-object.json', expect.stringMatching(/^involvedObject is empty \(event "etl-7xk2p\.1862f0c3a7b4e2d1"\)/)],
  ])('%s -> exit 0, ignored with a reason', async (name, reason) => {
    expect(await json([fixture(name)])).toEqual({ signals: [], ignored: [{ reason }], rejected: [] });
  });

  it('reports both what a batch yields and what it ignores', async () => {
    const doc = await json([fixture('sqs-eventbridge-body.json')]);
    expect(doc.signals).toEqual([{ ...etl, cluster: 'prod-eks-euw1', resourceVersion: '48213370', source: 'eventbridge', reason: 'ArtifactGCFailed' }]);
    expect(doc.ignored).toEqual([{ reason: expect.stringMatching(/^SQS record "2e1424d4-[^"]+" body: EventBridge detail: involvedObject is argoproj\.io\/CronWorkflow/) }]);
  });

  it('judges a batch record by record: an unreadable record is rejected alone, exit 0', async () => {
    const batch = JSON.parse(readFileSync(fixture('sqs-eventbridge-body.json'), 'utf8')) as { Records: Record<string, unknown>[] };
    batch.Records.push({ ...batch.Records[0], messageId: 'console-test', body: 'Hello from SQS!' });
    const doc = await json(['-'], JSON.stringify(batch));
    expect(doc.signals).toEqual([{ ...etl, cluster: 'prod-eks-euw1', resourceVersion: '48213370', source: 'eventbridge', reason: 'ArtifactGCFailed' }]);
    expect(doc.ignored).toHaveLength(1);
    expect(doc.rejected).toEqual([{ messageId: 'console-test', reason: expect.stringMatching(/^SQS record "console-test" body is not JSON/) }]);
    const table = await cli(['-'], JSON.stringify(batch));
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/\nrejected: SQS record "console-test" body is not JSON/);
  });

  it.each([
    ['not-json.txt', /^argo-finalizer-remediator: explain-event: input is not JSON/],
    ['array-of-numbers.json', /^argo-finalizer-remediator: explain-event: payload is a JSON array, expected a JSON object$/],
    ['unknown-shape.json', /^argo-finalizer-remediator: explain-event: payload matches no supported shape \(keys: "alert", "severity", "labels"\)/],
    ['invalid-name-uppercase.json', /^argo-finalizer-remediator: explain-event: involvedObject name "ETL-7xk2p" is invalid: name must be a DNS-1123 subdomain$/],
    ['invalid-name-dotdot.json', /^argo-finalizer-remediator: explain-event: Argo Events body metadata name "\.\.\/\.\.\/api\/v1\/namespaces\/kube-system\/secrets" is invalid/],
    ['too-deep.json', /^argo-finalizer-remediator: explain-event: input nests deeper than 64 levels$/],
  ])('%s -> exit 2, one line on stderr, nothing on stdout', async (name, message) => {
    const run = await cli([fixture(name), '-o', 'json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.endsWith('\n')).toBe(true);
    expect(run.stderr.trimEnd()).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('refuses an input over 6 MB (a Lambda invocation), from a file or stdin, reading no more than that', async () => {
    const big = JSON.stringify({ kind: 'afr.sweep/v1', cluster: 'c', namespace: 'argo', name: 'wf', pad: 'x'.repeat(7 * 1024 * 1024) });
    const file = join(tmp, 'oversize.json');
    writeFileSync(file, big);
    for (const run of [await cli([file, '-o', 'json']), await cli(['-', '-o', 'json'], big)]) {
      expect(run).toEqual({
        code: 2,
        stdout: '',
        // One byte past the limit is all that is read.
        stderr: 'argo-finalizer-remediator: explain-event: input is 6,291,457 bytes, more than a synchronous Lambda invocation holds (6 MiB)\n',
      });
    }
  });

  it('reads stdin with - and when no FILE is given', async () => {
    const payload = JSON.stringify({ kind: 'afr.sweep/v1', cluster: 'prod-eks-euw1', namespace: 'argo', name: 'etl-7xk2p' });
    const expected = { signals: [{ cluster: 'prod-eks-euw1', namespace: 'argo', name: 'etl-7xk2p', source: 'sweep' }], ignored: [], rejected: [] };
    expect(await json(['-'], payload)).toEqual(expected);
    expect(await json([], payload)).toEqual(expected);
  });

  it('uses --cluster for payloads that name none', async () => {
    const doc = await json([fixture('argo-events-whole-event-base64.json'), '--cluster', 'edge-eks-aps1']);
    expect(doc.signals.map((s) => s.cluster)).toEqual(['edge-eks-aps1']);
  });

  it('prints an aligned table by default, ignored reasons after it', async () => {
    const run = await cli([fixture('sqs-eventbridge-body.json')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CLUSTER\s+NAMESPACE\s+NAME\s+UID\s+SOURCE\s+REASON$/);
    expect(lines[1]).toMatch(/^prod-eks-euw1\s+argo\s+etl-7xk2p\s+9b2f6a1e-8c3d-4e5f-a6b7-c8d9e0f1a2b3\s+eventbridge\s+ArtifactGCFailed$/);
    expect(lines[1]!.indexOf('argo')).toBe(lines[0]!.indexOf('NAMESPACE'));
    expect(lines[1]!.indexOf('eventbridge')).toBe(lines[0]!.indexOf('SOURCE'));
    expect(lines[2]).toMatch(/^ignored: SQS record "2e1424d4-.*CronWorkflow, not a Workflow$/);
    const none = await cli([fixture('pod-event.json'), '-o', 'table']);
    expect(none.stdout).toMatch(/^no Workflow references\nignored: involvedObject is core\/Pod/);
  });

  it('masks control characters from the payload in the table', async () => {
    const payload = JSON.stringify({ kind: 'afr.requeue/v1', cluster: 'c\u001b[31m', namespace: 'argo', name: 'wf', reason: 'x\u202ey', attempt: 1 });
    const run = await cli(['-'], payload);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('c?[31m');
    expect(run.stdout).toContain('x?y');
    expect(run.stdout).not.toMatch(/[\u001b\u202e]/);
  });

  it('-o yaml prints the same document as -o json; -o wide adds the resourceVersion', async () => {
    const json = await cli([fixture('sweep-message.json'), '-o', 'json']);
    const yaml = await cli([fixture('sweep-message.json'), '-o', 'yaml']);
    expect(yaml.code).toBe(0);
    expect(parseYaml(yaml.stdout)).toEqual(JSON.parse(json.stdout));
    const wide = await cli([fixture('sweep-message.json'), '-o', 'wide']);
    expect(wide.stdout.split('\n')[0]).toMatch(/^CLUSTER\s+NAMESPACE\s+NAME\s+UID\s+RESOURCEVERSION\s+SOURCE\s+REASON$/);
  });

  it('rejects bad usage with exit 2 and one line', async () => {
    for (const args of [
      [fixture('sweep-message.json'), '-o', 'xml'],
      [fixture('sweep-message.json'), fixture('pod-event.json')],
      [join(tmp, 'missing.json')],
      ['--cluster', '', fixture('sweep-message.json')],
      ['--bogus'],
    ]) {
      const run = await cli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    expect((await cli([join(tmp, 'missing.json')])).stderr).toMatch(/cannot read ".*missing\.json": ENOENT/);
  });

  it('asks for input instead of waiting on a terminal', async () => {
    // In process: a child's stdin cannot be a TTY without a pty, which this machine does not offer.
    const { explainEventCommand } = await import('../../src/cli/explain-event.js');
    const { PassThrough } = await import('node:stream');
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin, env: {} };
    await expect(explainEventCommand([], io)).rejects.toThrow('explain-event: no input: pass a FILE, or pipe a payload into stdin');
  });

  it('prints its help on stdout', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: argo-finalizer-remediator explain-event \[FILE\|-\] \[-o json\|yaml\|wide\|table\] \[--cluster NAME\]/);
  });
});
