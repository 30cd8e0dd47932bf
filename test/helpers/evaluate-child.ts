// The evaluate function in a process of its own, as Lambda runs it in a sandbox: started through tsx from
// functions/evaluate.ts with the function's environment, handed one SQS event, and, like a sandbox at its
// timeout, killed whole (the process group: tsx runs the code in a child of its own) wherever it is.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SQSEvent } from 'aws-lambda';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const DRIVER = fileURLToPath(new URL('./evaluate-driver.ts', import.meta.url));

export interface ChildRun {
  /** The handler's answer, or `killed` when the process was stopped before it gave one. */
  readonly done: Promise<{ batchItemFailures: { itemIdentifier: string }[] } | 'killed'>;
  kill(): void;
  readonly process: ChildProcess;
}

export function runEvaluateChild(event: SQSEvent, env: Record<string, string>, timeoutMs = 60_000): ChildRun {
  const dir = mkdtempSync(join(tmpdir(), 'afr-evaluate-child-'));
  const eventFile = join(dir, 'event.json');
  writeFileSync(eventFile, JSON.stringify(event));
  const child = spawn(TSX, [DRIVER, eventFile], {
    cwd: ROOT,
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
