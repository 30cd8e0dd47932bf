// Every command in README.md and infra/*.md that needs no cloud account runs as written: the shell blocks are
// extracted, each command is either run (exit 0 expected) or skipped by a rule below that says why, and a
// command no rule covers is run. The cluster the docs assume is the local API server (KUBECONFIG), and the
// working directory is a scratch copy of the repository's layout holding the files the docs tell the user to
// write (my-config.yaml, config.yaml), so nothing is left in the checkout.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApiServer, startApiServer } from '../../src/local/apiserver/index.js';
import { ROOT } from '../helpers/cli.js';
import { allSeeds } from '../integration/kube/fixtures.js';

const DOCS = ['README.md', ...readdirSync(join(ROOT, 'infra')).filter((f) => f.endsWith('.md')).map((f) => `infra/${f}`)];

/** Commands the docs show that need what this machine has not got, or that the suite itself is. */
const SKIP: { match: RegExp; why: string }[] = [
  { match: /^aws\s/, why: 'needs an AWS account' },
  { match: /^[A-Z_]+=\$\(aws\s/, why: 'needs an AWS account' },
  { match: /^for role in .*; do .*aws eks/, why: 'creates EKS access entries: needs an AWS account' },
  { match: /^npx osls (deploy|remove|info)\b/, why: 'needs an AWS account' },
  { match: /^npx osls package\b/, why: 'run by test/integration/template/wiring.test.ts and .ci/run (two packagings would race on .serverless/)' },
  { match: /^cfn-lint\b/, why: 'run by .ci/run on the packaged template' },
  { match: /^kubectl (apply|delete)\b/, why: 'installs into a real cluster (the local API server serves Workflows, pods and GC tasks only)' },
  { match: /^npm ci$/, why: 'the suite runs after it; reinstalling node_modules under running tests would break them' },
  { match: /^npm test$/, why: 'is this suite' },
  { match: /^bash \.ci\/run$/, why: 'runs this suite' },
  { match: /^npm run typecheck$/, why: 'run before every landing and by .ci/run (~45 s of a shared machine)' },
  { match: /^npm run test:mutation\b/, why: 'Stryker: minutes per file, hours for all of them; run by hand, scores in mutation/results.md' },
  { match: /^npm run bench\b/, why: 'minutes of measurement: `npm run bench` is run by hand and written down in bench/README.md' },
  { match: /--(config|cluster) \S+ .*-A|scan --config my-config\.yaml/, why: 'the example names an EKS cluster: needs AWS credentials' },
  { match: /^AFR_REAL_KUBECONFIG=/, why: 'opt-in suite against a real cluster' },
];

interface DocCommand {
  where: string;
  command: string;
}

/** ```sh blocks; a `$ ` prompt marks commands in a transcript (the other lines are output). */
function docCommands(): DocCommand[] {
  const out: DocCommand[] = [];
  for (const doc of DOCS) {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    for (const m of text.matchAll(/^( *)```sh\n([\s\S]*?)^\1```/gm)) {
      const line0 = text.slice(0, m.index).split('\n').length + 1;
      const lines = m[2]!.split('\n').map((l) => l.slice(m[1]!.length));
      const transcript = lines.some((l) => l.startsWith('$ '));
      let pending = '';
      lines.forEach((raw, i) => {
        if (transcript && !raw.startsWith('$ ') && pending === '') return;
        const line = transcript && pending === '' ? raw.slice(2) : raw;
        if (line.trim() === '' && pending === '') return;
        if (line.endsWith('\\')) {
          pending += `${line.slice(0, -1)} `;
          return;
        }
        // A for loop is one command, up to its `done`.
        if ((pending + line).trimStart().startsWith('for ') && line.trim() !== 'done') {
          const part = stripComment(line).trim();
          pending += part.endsWith(' do') ? `${part} ` : `${part.replace(/;$/, '')}; `;
          return;
        }
        const command = stripComment(pending + line).trim();
        pending = '';
        if (command) out.push(...command.split(/\s+&&\s+/).map((c) => ({ where: `${doc}:${line0 + i}`, command: c })));
      });
    }
  }
  return out;
}

/** A trailing `# comment` outside quotes. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

const commands = docCommands();
const toRun = commands.filter((c) => !SKIP.some((s) => s.match.test(c.command)));

let server: LocalApiServer;
let scratch: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  server = await startApiServer({ seed: allSeeds(), tls: true });
  scratch = mkdtempSync(join(tmpdir(), 'afr-doc-commands-'));
  for (const entry of ['package.json', 'package-lock.json', 'node_modules', 'bin', 'src', 'examples', 'test', 'infra', 'functions', 'serverless.yml', 'tsconfig.json', 'vitest.config.ts', 'bench']) {
    symlinkSync(join(ROOT, entry), join(scratch, entry));
  }
  // The files the docs tell the user to write: the example configuration, as they would start from it.
  for (const name of ['my-config.yaml', 'config.yaml']) copyFileSync(join(ROOT, 'examples/config.example.yaml'), join(scratch, name));
  env = { ...process.env, KUBECONFIG: server.kubeconfig({ path: join(scratch, 'kubeconfig') }).path, NO_COLOR: '1' };
});
afterAll(async () => {
  await server?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('commands in README.md and infra/*.md', () => {
  it('finds the commands, and every skipped one has a reason', () => {
    expect(toRun.map((c) => c.command)).toEqual(
      expect.arrayContaining([
        'npm start',
        'npx argo-finalizer-remediator assess examples/nested-parent.json -o table',
        'npx argo-finalizer-remediator config check examples/config.example.yaml',
      ]),
    );
    expect(commands.length - toRun.length).toBeGreaterThan(0);
  });

  it.each(toRun.map((c) => [c.where, c.command]))('%s: %s', async (_where, command) => {
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('bash', ['-o', 'pipefail', '-c', command], { cwd: scratch, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
      });
    });
    expect(r.code, `${command}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`).toBe(0);
  }, 180_000);
});
