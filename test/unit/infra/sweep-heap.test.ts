import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lambdaNodeFlags, serverlessYml } from '../../../bench/lambda-build.js';

// infra/lambda/sweep-heap.sh, the sweep's AWS_LAMBDA_EXEC_WRAPPER, run with `sh` as the runtime would run it,
// with a printer in place of node: what it execs is exactly the argv asserted. (The packaged copy starting the
// real sweep bundle is test/integration/template/wiring.test.ts.)
const ROOT = join(import.meta.dirname, '../../..');
const SCRIPT = join(ROOT, 'infra/lambda/sweep-heap.sh');

let printer: string;
beforeAll(() => {
  printer = join(mkdtempSync(join(tmpdir(), 'afr-sweep-heap-')), 'print-argv');
  writeFileSync(printer, "#!/bin/sh\nprintf '%s\\0' \"$@\"\n", { mode: 0o755 });
});

function wrap(args: string[], semi?: string) {
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] };
  if (semi !== undefined) env['AFR_SEMI_SPACE_MB'] = semi;
  const r = spawnSync('sh', [SCRIPT, printer, ...args], { env, encoding: 'utf8' });
  return { status: r.status, argv: r.stdout === '' ? [] : r.stdout.split('\0').slice(0, -1), stderr: r.stderr };
}

// The nodejs bootstrap's shape: a flag with its value as the next argument, the heap flags, the entry.
const BOOTSTRAP = ['--expose-gc', '--max-http-header-size', '81920', '--max-semi-space-size=51', '--max-old-space-size=922', '/var/runtime/index.mjs'];

describe('infra/lambda/sweep-heap.sh', () => {
  it('rewrites only --max-semi-space-size, in place, and keeps every other argument and their order', () => {
    expect(wrap(BOOTSTRAP, '4')).toEqual({ status: 0, argv: ['--expose-gc', '--max-http-header-size', '81920', '--max-semi-space-size=4', '--max-old-space-size=922', '/var/runtime/index.mjs'], stderr: '' });
  });

  it('keeps arguments with spaces, quotes and globs whole', () => {
    const odd = ['--title=a b', "it's", '*', '', '/var/task/my dir/index.mjs'];
    expect(wrap(['--max-semi-space-size=51', ...odd], '12').argv).toEqual(['--max-semi-space-size=12', ...odd]);
  });

  it('rewrites the underscore spelling V8 also accepts', () => {
    expect(wrap(['--max_semi_space_size=51', '--max-old-space-size=922', 'x.mjs'], '6').argv).toEqual(['--max-semi-space-size=6', '--max-old-space-size=922', 'x.mjs']);
  });

  it('adds the flag as node\'s first option when the command line has none', () => {
    expect(wrap(['--expose-gc', '/var/runtime/index.mjs'], '4').argv).toEqual(['--max-semi-space-size=4', '--expose-gc', '/var/runtime/index.mjs']);
    expect(wrap([], '4').argv).toEqual(['--max-semi-space-size=4']);
  });

  it('defaults to 8 MiB without AFR_SEMI_SPACE_MB', () => {
    expect(wrap(BOOTSTRAP).argv[3]).toBe('--max-semi-space-size=8');
  });

  it.each(['', '4x', '0', '08', '-1', '4.5', '4 ', ' 4', '$(id)'])('refuses AFR_SEMI_SPACE_MB=%j: exits non-zero, says why, starts nothing', (bad) => {
    const r = wrap(BOOTSTRAP, bad);
    expect(r.status).not.toBe(0);
    expect(r.argv).toEqual([]);
    expect(r.stderr).toContain('AFR_SEMI_SPACE_MB must be a whole number of MiB');
  });

  it('refuses an empty command line', () => {
    const r = spawnSync('sh', [SCRIPT], { env: { PATH: process.env['PATH'] }, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('no command to run');
  });

  it('is committed executable (the zip takes the file\'s mode, and Lambda will not run a wrapper it cannot execute)', () => {
    expect(execFileSync('git', ['ls-files', '-s', 'infra/lambda/sweep-heap.sh'], { cwd: ROOT, encoding: 'utf8' })).toMatch(/^100755 /);
  });

  it('is what the bench starts the sweep with (bench/lambda-build.ts runs it); other functions keep the bootstrap\'s flags', () => {
    const semi = String(serverlessYml().functions['sweep']?.environment?.['AFR_SEMI_SPACE_MB']);
    expect(semi).toMatch(/^[1-9]\d*$/);
    expect(lambdaNodeFlags('sweep').filter((f) => f.startsWith('--max-'))).toEqual([`--max-semi-space-size=${semi}`, '--max-old-space-size=922']);
    expect(lambdaNodeFlags('evaluate').filter((f) => f.startsWith('--max-'))).toEqual(['--max-semi-space-size=51', '--max-old-space-size=922']);
  });
});
