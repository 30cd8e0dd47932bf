// Runs the real binary as a child process, as a user would, and reads what it prints.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { Assessment } from '../../src/domain/assessment.js';

const BIN = join(import.meta.dirname, '../../bin/argo-finalizer-remediator.mjs');
const cli = (args: string[], input?: string) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const tmp = mkdtempSync(join(tmpdir(), 'afr-cli-'));
const file = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

describe('assess CLI', () => {
  it('prints the contract JSON for the nested parent example', () => {
    const r = cli(['assess', 'examples/nested-parent.json', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const { assessments } = JSON.parse(r.stdout);
    expect(assessments.map((a: unknown) => Assessment.parse(a))).toHaveLength(2);
    const [parent, child] = assessments;
    expect([parent.workflow.name, parent.verdict, parent.cause]).toEqual(['parent-wf-7xk2p', 'remove', 'no-pending-artifacts']);
    expect(parent.patch.at(-1)).toEqual({ op: 'remove', path: '/metadata/finalizers/0' });
    expect([child.workflow.name, child.verdict, child.cause]).toEqual(['child-wf-bdvxw', 'ignore', 'no-finalizer']);
  });

  it('reads a YAML List with two Workflows and gives each its own pods and tasks', () => {
    const r = cli(['assess', 'examples/cluster-snapshot.yaml', '--now', '2026-08-20T06:30:20Z', '-o', 'json']);
    expect(r.code).toBe(0);
    const byName = Object.fromEntries(JSON.parse(r.stdout).assessments.map((a: Assessment) => [a.workflow.name, a]));
    expect(byName['etl-run-q8h2d'].cause).toBe('gc-failed');
    expect(byName['etl-run-q8h2d'].evidence.pods.map((p: { name: string }) => p.name)).toEqual(['etl-run-q8h2d-artgc-wfdel-1104873411']);
    expect(byName['nightly-report-5jz7c'].evidence.pods).toEqual([]);
    expect(byName['nightly-report-5jz7c'].verdict).toBe('wait');
  });

  it('reads stdin with -, honours --quiet-period and --now', () => {
    const text = readFileSync('test/fixtures/workflows/nested-parent.json', 'utf8');
    const soon = '2024-09-05T01:21:00Z'; // one minute after deletion was requested
    expect(JSON.parse(cli(['assess', '-', '--now', soon, '-o', 'json'], text).stdout).assessments[0].cause).toBe('quiet-period');
    expect(JSON.parse(cli(['assess', '-', '--now', soon, '--quiet-period', '30s', '-o', 'json'], text).stdout).assessments[0].cause).toBe('no-pending-artifacts');
  });

  it('prints an aligned table', () => {
    const r = cli(['assess', 'examples/cluster-snapshot.yaml', '--now', '2026-08-20T06:30:20Z', '-o', 'table']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^WORKFLOW\s+VERDICT\s+CAUSE\s+PENDING\s+WHY$/);
    const col = lines[0]!.indexOf('VERDICT');
    expect(lines.slice(1).map((l) => l.slice(col, col + 6))).toEqual(['notify', 'wait  ']);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('an empty List is a valid empty answer: exit 0, no assessments, in every format', () => {
    const empty = '{"apiVersion":"v1","kind":"List","items":[]}';
    const json = cli(['assess', '-', '-o', 'json'], empty);
    expect([json.code, json.stderr]).toEqual([0, '']);
    expect(JSON.parse(json.stdout)).toEqual({ assessments: [], supplied: { pods: false, tasks: false } });
    const table = cli(['assess', '-'], empty);
    expect([table.code, table.stdout]).toEqual([0, 'no Workflows in stdin\n']);
  });

  it('a Workflow given without its pods and tasks: the reasons say what was not supplied, -o json says which evidence was', () => {
    const yaml = cli(['assess', 'examples/cluster-snapshot.yaml', '--now', '2026-08-20T06:30:20Z', '-o', 'json']);
    expect(JSON.parse(yaml.stdout).supplied).toEqual({ pods: true, tasks: true });
    // What `kubectl get wf -o yaml` gives: the same List with only the Workflows.
    const list = parseYaml(readFileSync('examples/cluster-snapshot.yaml', 'utf8')) as { items: { kind: string }[] };
    const wfOnly = JSON.stringify({ ...list, items: list.items.filter((item) => item.kind === 'Workflow') });
    const r = cli(['assess', '-', '--now', '2026-08-20T06:30:20Z', '-o', 'json'], wfOnly);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.supplied).toEqual({ pods: false, tasks: false });
    const etl = doc.assessments.find((a: Assessment) => a.workflow.name === 'etl-run-q8h2d');
    expect(etl.reasons.at(-1)).toMatch(/^not supplied: GC pods and WorkflowArtifactGCTasks \(the input holds none\); '.+' could not be checked/);
    expect(etl.reasons.join(' ')).not.toMatch(/no GC pod or task exists/);
    const table = cli(['assess', '-', '--now', '2026-08-20T06:30:20Z'], wfOnly);
    expect(table.stderr).toContain('note: the input holds no pods and WorkflowArtifactGCTasks');
  });

  it('-o yaml prints one YAML document; -o wide adds the uid and the end of the quiet period', () => {
    const yaml = cli(['assess', 'examples/nested-parent.json', '-o', 'yaml']);
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toMatch(/^assessments:\n {2}- workflow:\n/);
    const wide = cli(['assess', 'examples/cluster-snapshot.yaml', '--now', '2026-08-20T06:30:20Z', '-o', 'wide']);
    expect(wide.stdout.split('\n')[0]).toMatch(/^WORKFLOW\s+VERDICT\s+CAUSE\s+PENDING\s+UID\s+QUIET UNTIL\s+WHY$/);
  });

  it.each([
    ['a file that does not exist', ['assess', join(tmp, 'missing.json')], undefined, /missing\.json: no such file/],
    ['neither JSON nor YAML', ['assess', file('bad.txt', 'key: [unclosed')], undefined, /neither JSON nor YAML/],
    ['a scalar document', ['assess', '-'], '42', /neither JSON nor YAML objects/],
    ['empty input', ['assess', '-'], '   \n', /input is empty/],
    ['truncated JSON', ['assess', '-'], '{"apiVersion": "v1", "kind": "List", "items": [{"kind": "Workfl', /stdin: not valid JSON: it ends before the document is complete/],
    ['malformed JSON', ['assess', '-'], '{"kind": "Workflow",\n "metadata": {"name" "x"}}', /stdin: not valid JSON: unexpected character at line 2, column 22/],
    ['not a Workflow', ['assess', '-'], '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}', /holds no Workflow \(found Pod\)/],
    ['a Workflow without a name', ['assess', '-'], '{"kind":"Workflow","metadata":{}}', /is not valid at metadata\.name/],
    ['a bad --now', ['assess', 'examples/nested-parent.json', '--now', 'yesterday'], undefined, /--now must be an ISO-8601 time/],
    ['a bad --quiet-period', ['assess', 'examples/nested-parent.json', '--quiet-period', 'soon'], undefined, /--quiet-period: invalid duration 'soon'/],
    ['a bad -o', ['assess', 'examples/nested-parent.json', '-o', 'xml'], undefined, /-o must be one of json, yaml, wide or table/],
    ['an unknown option', ['assess', '--frobnicate'], undefined, /Unknown option '--frobnicate'/],
    ['an unknown command', ['frobnicate'], undefined, /unknown command 'frobnicate'/],
  ])('exits 2 with one line and no stack trace for %s', (_what, args, input, message) => {
    const r = cli(args as string[], input as string | undefined);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\s+at\s+\S+\s+\(/);
  });
});
