import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type IncomingHttpHeaders, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll } from 'vitest';

/**
 * moto_server (moto 5.2.1, preinstalled with pip on the machines this project is built and tested on) on a
 * free loopback port: the real AWS protocols for S3 (412 on If-None-Match), SQS, EventBridge (rules routed to
 * SQS by moto's own pattern matcher), SSM and Secrets Manager. `.ci/run` checks that it is installed; a test
 * that needs it fails, rather than skips, when it is not.
 *
 * Clients talk to moto through a pass-through proxy on another loopback port, which records every call (what
 * the code under test sent, on the wire) and can answer chosen calls the way AWS does when it fails: a whole
 * request refused (throttling, 5xx, S3's 409), or some entries of a PutEvents / SendMessageBatch failed while
 * the others are delivered for real. moto itself never fails a valid entry, so this is the one way to reach
 * those paths over the real protocol.
 */
export interface Moto {
  readonly endpoint: string;
  /** Every call made through `endpoint` since the last reset, in order. */
  readonly calls: AwsCall[];
  /** Calls whose operation is `operation` (`AWSEvents.PutEvents`, `AmazonSQS.SendMessageBatch`, `S3.PUT`...). */
  callsTo(operation: string): AwsCall[];
  /** Faults the proxy applies, first match wins; each is used up after `times` matching calls. */
  readonly faults: AwsFault[];
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
  /** Drops every resource in every service (moto's reset API), the recorded calls and the faults. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface AwsCall {
  /** X-Amz-Target for the JSON protocols (EventBridge, SQS, SSM, Secrets Manager), `S3.<METHOD>` for S3. */
  readonly operation: string;
  readonly method: string;
  /** Path and query, as sent. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The HTTP status the caller got (moto's, or the fault's), once answered. */
  status?: number;
}

interface FaultBase {
  operation: string;
  /** Only calls whose path (and query) matches; S3 calls are told apart by it. */
  path?: RegExp;
  /** Matching calls this fault answers before it is used up; default: all. */
  times?: number;
  /** Let this many matching calls through to moto first (a failure half way through a run of calls). */
  after?: number;
}
/** The whole call fails with an AWS error (JSON `__type` for JSON protocols, an `<Error>` document for S3). */
export interface RequestFault extends FaultBase {
  error: { status: number; code: string; message: string };
}
/** Entries of a PutEvents or SendMessageBatch that fail; the rest go on to moto and are delivered. */
export interface EntryFault extends FaultBase {
  operation: 'AWSEvents.PutEvents' | 'AmazonSQS.SendMessageBatch';
  failEntries: { pick: (entry: Record<string, unknown>, index: number) => boolean; code: string; message: string; senderFault?: boolean };
}
/** The call is never answered: the client's own timeout decides. */
export interface HangFault extends FaultBase {
  hang: true;
}
export type AwsFault = RequestFault | EntryFault | HangFault;

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

interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function withoutFraming(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const { 'transfer-encoding': _te, 'content-length': _cl, ...rest } = headers;
  return rest;
}

function forward(target: URL, method: string, path: string, headers: IncomingHttpHeaders, body: Buffer): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      // The body is buffered whole: it goes on with its length, never chunked.
      { host: target.hostname, port: target.port, method, path, headers: { ...withoutFraming(headers), 'content-length': String(body.length) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function operationOf(headers: IncomingHttpHeaders, method: string): string {
  const target = headers['x-amz-target'];
  return typeof target === 'string' ? target : `S3.${method}`;
}

function errorResponse(call: AwsCall, error: RequestFault['error']): Upstream {
  if (call.operation.startsWith('S3.')) {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${error.message}</Message><RequestId>moto-proxy</RequestId></Error>`;
    return { status: error.status, headers: { 'content-type': 'application/xml' }, body: Buffer.from(xml) };
  }
  const json = JSON.stringify({ __type: error.code, message: error.message });
  return { status: error.status, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': error.code }, body: Buffer.from(json) };
}

/** Sends the entries not picked on to moto and answers as AWS does: the failed ones in place, marked. */
async function failSomeEntries(fault: EntryFault, call: AwsCall, send: (body: Buffer) => Promise<Upstream>): Promise<Upstream> {
  const request = JSON.parse(call.body) as { Entries: Record<string, unknown>[] } & Record<string, unknown>;
  const picked = request.Entries.map((e, i) => fault.failEntries.pick(e, i));
  const rest = request.Entries.filter((_, i) => !picked[i]);
  const { code, message, senderFault = false } = fault.failEntries;
  const upstream = rest.length > 0 ? await send(Buffer.from(JSON.stringify({ ...request, Entries: rest }))) : undefined;
  if (upstream && upstream.status !== 200) return upstream;
  const answered = upstream ? (JSON.parse(upstream.body.toString('utf8')) as Record<string, unknown>) : {};
  let out: Record<string, unknown>;
  if (fault.operation === 'AWSEvents.PutEvents') {
    const delivered = [...((answered['Entries'] as Record<string, unknown>[] | undefined) ?? [])];
    const entries = picked.map((p) => (p ? { ErrorCode: code, ErrorMessage: message } : delivered.shift()!));
    out = { FailedEntryCount: entries.filter((e) => e['ErrorCode'] !== undefined).length, Entries: entries };
  } else {
    const failed = request.Entries.filter((_, i) => picked[i]).map((e) => ({ Id: e['Id'], Code: code, Message: message, SenderFault: senderFault }));
    out = { Successful: answered['Successful'] ?? [], Failed: [...((answered['Failed'] as unknown[] | undefined) ?? []), ...failed] };
  }
  const headers = { ...(upstream?.headers ?? { 'content-type': 'application/x-amz-json-1.1' }) };
  delete headers['content-length'];
  delete headers['x-amz-crc32'];
  return { status: 200, headers, body: Buffer.from(JSON.stringify(out)) };
}

async function startProxy(target: string, calls: AwsCall[], faults: AwsFault[]): Promise<{ endpoint: string; server: Server }> {
  const upstream = new URL(target);
  const hanging = new Set<ServerResponse>();
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const call: AwsCall = { operation: operationOf(req.headers, method), method, path, headers: req.headers, body: raw.toString('utf8') };
      calls.push(call);
      const at = faults.findIndex((f) => f.operation === call.operation && (!f.path || f.path.test(path)) && (f.after === undefined || f.after-- <= 0));
      const fault = at >= 0 ? faults[at] : undefined;
      if (fault) {
        fault.times = (fault.times ?? Infinity) - 1;
        if (fault.times <= 0) faults.splice(at, 1);
      }
      if (fault && 'hang' in fault) {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      const send = (body: Buffer) => forward(upstream, method, path, req.headers, body);
      const answer = !fault ? send(raw) : 'error' in fault ? Promise.resolve(errorResponse(call, fault.error)) : failSomeEntries(fault, call, send);
      answer.then(
        (out) => {
          // A HEAD answer has no body but says how long the object is: keep moto's Content-Length for it.
          const length = method === 'HEAD' && out.headers['content-length'] !== undefined ? out.headers['content-length'] : String(out.body.length);
          call.status = out.status;
          res.writeHead(out.status, { ...out.headers, 'content-length': length });
          res.end(out.body);
        },
        (err: unknown) => {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(`moto proxy: ${String(err)}`);
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  server.on('close', () => {
    for (const res of hanging) res.destroy();
  });
  return { endpoint: `http://127.0.0.1:${port}`, server };
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
  const calls: AwsCall[] = [];
  const faults: AwsFault[] = [];
  const proxy = await startProxy(endpoint, calls, faults);
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  const via = proxy.endpoint;
  return {
    endpoint: via,
    calls,
    callsTo: (operation) => calls.filter((c) => c.operation === operation),
    faults,
    region: REGION,
    clientConfig: { endpoint: via, region: REGION, credentials, forcePathStyle: true },
    env: {
      AWS_ENDPOINT_URL: via,
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_S3_FORCE_PATH_STYLE: 'true',
    },
    reset: async () => {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset answered ${res.status}`);
      calls.length = 0;
      faults.length = 0;
    },
    close: async () => {
      proxy.server.closeAllConnections();
      await new Promise<void>((resolve) => proxy.server.close(() => resolve()));
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
