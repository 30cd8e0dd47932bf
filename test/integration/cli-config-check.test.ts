// `config check` through the real binary: the same parser and schema the functions use, every problem with
// its path, exit 2 on any, and never a configured value in the output.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'afr-config-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const TOKEN = 'sk-never-print-this-token';
const eks = 'auth: {type: eks, clusterName: prod, region: eu-west-1, server: "https://ABC.gr7.eu-west-1.eks.amazonaws.com", caData: LS0t}';

describe('config check FILE', () => {
  it('the shipped example is valid for deployment: exit 0 and a summary', async () => {
    const r = await runCli(['config', 'check', 'examples/config.example.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^examples\/config\.example\.yaml: valid for deployment \(prod-eks-euw1: eks, dry-run/m);
  });

  it('lists every schema problem with its path, in one JSON document, and exits 2', async () => {
    const path = file(
      'typos.yaml',
      `clusters:\n  - name: prod\n    ${eks}\n    mdoe: remediate\n    quietPeriod: soon\n  - name: dev\n    auth: {type: token, server: not-a-url, token: ${TOKEN}}\ndefaults: {maxRemovalsPerSweep: -1}\n`,
    );
    const r = await runCli(['config', 'check', path, '-o', 'json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { valid: boolean; problems: { path: string; message: string }[] };
    expect(doc.valid).toBe(false);
    expect(doc.problems.map((p) => p.path).sort()).toEqual(
      ['clusters[0].mdoe', 'clusters[0].quietPeriod', 'clusters[1].auth.server', 'defaults.maxRemovalsPerSweep'].sort(),
    );
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it('flags what Lambda cannot honour: kubeconfig auth, audit.bucket, audit.localDir; --local allows them', async () => {
    const path = file('local.yaml', `clusters:\n  - name: laptop\n    auth: {type: kubeconfig, context: kind-dev}\naudit: {bucket: my-audit-bucket, localDir: ./audit}\n`);
    const r = await runCli(['config', 'check', path]);
    expect(r.code).toBe(2);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PATH\s+LEVEL\s+WHAT TO DO$/);
    expect(lines.find((l) => l.startsWith('clusters[0].auth.type'))).toMatch(/problem\s+kubeconfig has no file inside Lambda/);
    expect(lines.find((l) => l.startsWith('audit.bucket'))).toMatch(/the stack owns the audit bucket/);
    expect(lines.find((l) => l.startsWith('audit.localDir'))).toMatch(/read-only/);
    expect(lines.at(-1)).toBe(`${path}: 3 problem(s)`);
    const local = await runCli(['config', 'check', path, '--local']);
    expect([local.code, local.stdout.trimEnd()]).toEqual([0, `${path}: valid for local use (laptop: kubeconfig, dry-run)`]);
  });

  it('a document over 4 KB is valid with a warning naming the Advanced tier; over 8 KB is a problem', async () => {
    const cluster = (i: number) => `  - name: c${i}\n    ${eks.replace('LS0t', 'A'.repeat(1500))}\n`;
    const five = file('big.yaml', `clusters:\n${[1, 2, 3].map(cluster).join('')}`);
    const r = await runCli(['config', 'check', five, '-o', 'yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--tier Advanced');
    const huge = file('huge.yaml', `clusters:\n${[1, 2, 3, 4, 5, 6].map(cluster).join('')}`);
    expect((await runCli(['config', 'check', huge])).code).toBe(2);
  });

  it('syntax errors, missing files and bad usage exit 2 without echoing the source line', async () => {
    const broken = file('broken.yaml', `clusters:\n  - name: prod\n    auth: {type: token, token: ${TOKEN}\n`);
    const r = await runCli(['config', 'check', broken]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^\(syntax\)\s+problem\s+configuration \(file .*\) is not valid JSON or YAML: .* at line \d+, column \d+$/m);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    const missing = await runCli(['config', 'check', join(dir, 'nope.yaml')]);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/cannot read configuration file .*nope\.yaml \(ENOENT\)\n$/)]);
    const usage = await runCli(['config', 'lint', broken]);
    expect([usage.code, usage.stderr]).toEqual([2, expect.stringContaining("unknown subcommand 'lint'")]);
  });
});
