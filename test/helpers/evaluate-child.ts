// The evaluate function in a process of its own, as Lambda runs it in a sandbox: the real bundle (built as the
// functions are bundled, bench/lambda-build.ts) of functions/evaluate.ts behind a small driver, started with the
// Node flags Lambda gives the function and the function's environment, handed one SQS event, and, like a sandbox
// at its timeout, killed whole wherever it is.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { bundleLikeLambda, lambdaNodeFlags } from '../../bench/lambda-build.js';

let bundled: Promise<string> | undefined;
/** One bundle per test process: esbuild takes a few seconds, every child of the file reuses it. Its entry file. */
export function evaluateBundle(): Promise<string> {
  return (bundled ??= (async () => {
    return bundleLikeLambda('test/helpers/evaluate-driver.ts', mkdtempSync(join(tmpdir(), 'afr-evaluate-bundle-')));
  })());
}

export interface ChildRun {
  /** The handler's answer, or `killed` when the process was stopped before it gave one. */
  readonly done: Promise<{ batchItemFailures: { itemIdentifier: string }[] } | 'killed'>;
  kill(): void;
  readonly process: ChildProcess;
}

/**
 * A copy of the bundle without the chunks whose file names match `drop`: a run that loads one of them fails
 * where it does, so a run that succeeds never loaded them. Returns the copy's entry file and what was dropped.
 */
export async function evaluateBundleWithout(drop: RegExp): Promise<{ entry: string; dropped: string[] }> {
  const entry = await evaluateBundle();
  const copy = mkdtempSync(join(tmpdir(), 'afr-evaluate-bundle-'));
  const dropped: string[] = [];
  cpSync(dirname(entry), copy, { recursive: true, filter: (source) => !(drop.test(basename(source)) && dropped.push(basename(source))) });
  return { entry: join(copy, basename(entry)), dropped };
}

export async function runEvaluateChild(event: SQSEvent, env: Record<string, string>, timeoutMs = 60_000, bundle?: string): Promise<ChildRun> {
  bundle ??= await evaluateBundle();
  const dir = mkdtempSync(join(tmpdir(), 'afr-evaluate-child-'));
  const eventFile = join(dir, 'event.json');
  writeFileSync(eventFile, JSON.stringify(event));
  // The Node running this test: the devDependency's, the Lambda runtime's major (never the machine's own).
  const child = spawn(process.execPath, [...lambdaNodeFlags('evaluate'), bundle, eventFile], {
    detached: true,
    env: { PATH: process.env['PATH'] ?? '', TMPDIR: process.env['TMPDIR'] ?? tmpdir(), HOME: dir, AFR_REMAINING_MS: String(timeoutMs), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  let killed = false;
  const done = new Promise<{ batchItemFailures: { itemIdentifier: string }[] } | 'killed'>((resolve, reject) => {
    child.on('exit', (code) => {
      if (killed) return resolve('killed');
      const line = stdout.split('\n@@').at(-1);
      if (code !== 0 || !line) return reject(new Error(`evaluate child exited ${code}: ${stderr.slice(-2000)}`));
      resolve(JSON.parse(line) as { batchItemFailures: { itemIdentifier: string }[] });
    });
  });
  return {
    done,
    process: child,
    kill() {
      if (killed || child.exitCode !== null) return;
      killed = true;
      // The whole group, at once and without warning: what discarding a sandbox does.
      process.kill(-child.pid!, 'SIGKILL');
    },
  };
}
