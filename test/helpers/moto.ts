import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll } from 'vitest';

/**
 * moto_server (moto 5.2.1, preinstalled with pip on the machines this project is built and tested on) on a
 * free loopback port: the real AWS protocols for S3 (412 on If-None-Match), SQS, EventBridge (rules routed to
 * SQS by moto's own pattern matcher), SSM and Secrets Manager. `.ci/run` checks that it is installed; a test
 * that needs it fails, rather than skips, when it is not.
 */
export interface Moto {
  readonly endpoint: string;
  readonly region: string;
  /** Client options every AWS SDK v3 client accepts: endpoint, region, dummy credentials, path-style S3. */
  readonly clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
    forcePathStyle: true;
  };
  /** Environment for code that builds its own SDK clients (handlers, child processes). */
  readonly env: Record<string, string>;
  /** Drops every resource in every service (moto's reset API): tests in one file stay independent. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const REGION = 'us-east-1';

export function motoServerPath(): string {
  const which = spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' });
  const path = which.stdout.trim();
  if (which.status !== 0 || path === '') {
    throw new Error('moto_server is not installed: the AWS protocol tests need it (pip install "moto[server]==5.2.1")');
  }
  return path;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitReady(endpoint: string, child: ChildProcess, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  let lastError: unknown;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (res.ok) return;
    } catch (err) {
      lastError = err;
    }
    await sleep(100);
  }
  throw new Error(`moto_server at ${endpoint} not ready after ${deadlineMs} ms: ${String(lastError)}`);
}

export async function startMoto(): Promise<Moto> {
  const bin = motoServerPath();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 8192) stderr += chunk.toString('utf8');
  });
  try {
    await waitReady(endpoint, child, 20_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${stderr.slice(0, 2000)}`);
  }
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  return {
    endpoint,
    region: REGION,
    clientConfig: { endpoint, region: REGION, credentials, forcePathStyle: true },
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_S3_FORCE_PATH_STYLE: 'true',
    },
    reset: async () => {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset answered ${res.status}`);
    },
    close: async () => {
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      });
    },
  };
}

/** Vitest fixture: one moto_server per test file, started in beforeAll and stopped in afterAll. */
export function withMoto(): { readonly moto: Moto } {
  let moto: Moto | undefined;
  beforeAll(async () => {
    moto = await startMoto();
  }, 30_000);
  afterAll(async () => {
    await moto?.close();
    moto = undefined;
  });
  return {
    get moto(): Moto {
      if (!moto) throw new Error('moto_server is not running (use it inside tests or hooks)');
      return moto;
    },
  };
}
