import type { IncomingMessage, ServerResponse } from 'node:http';
import { authorize, forbiddenMessage, type UserInfo } from './authz.js';
import type { FaultInjector, FaultOutcome } from './faults.js';
import type { Reply } from './http-types.js';
import type { RbacPolicy } from './rbac.js';
import { requestInfo } from './requestinfo.js';
import { route, type RouterContext } from './router.js';
import {
  ApiError,
  entityTooLarge,
  forbidden,
  forbiddenPath,
  internalError,
  serviceUnavailable,
  timeoutError,
  tooManyRequests,
  unauthorized,
} from './status.js';
import type { ObjectStore } from './store.js';
import type { WatchHub } from './watch.js';

/**
 * The request pipeline, in the API server's filter order: record -> read body -> faults -> authenticate
 * (bearer token) -> authorize (RBAC) -> route. Tokens never reach the request log.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  /** The Accept header, where the client sent one (metadata-only and Table lists are asked for by it). */
  accept?: string;
  /** Bytes of the response body sent (0 for streams and dropped connections): what the request cost the wire. */
  responseBytes?: number;
  /** The authenticated user name; absent when authentication failed. */
  user?: string;
  /** The HTTP status answered; 0 when a fault dropped or is holding the connection. */
  status: number;
  /** The request body (parsed JSON when it is JSON), for writes. */
  body?: unknown;
  /** Why the request failed when the answer does not say (e.g. the JSON patch operation that failed). */
  note?: string;
  /** Faults that fired for this request. */
  faults?: string[];
}

export interface PipelineOptions {
  store: ObjectStore;
  faults: FaultInjector;
  policy: RbacPolicy;
  authorize: boolean;
  users: Map<string, UserInfo>;
  requests: RecordedRequest[];
  maxRecordedRequests: number;
  serverAddress: () => string;
  now: () => Date;
  /** Responses held open by `hang` faults, released on close. */
  held: Set<ServerResponse>;
  watches: WatchHub;
}

const MAX_BODY_BYTES = 3 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

function errorReply(e: ApiError): Reply {
  return { status: e.code, body: e.status, contentType: 'application/json', headers: e.headers, ...(e.note ? { note: e.note } : {}) };
}

function faultReply(outcome: NonNullable<FaultOutcome> & { kind: 'status' }): Reply {
  switch (outcome.code) {
    case 429:
      if (outcome.plainText) {
        return {
          status: 429,
          body: `${outcome.message ?? 'Too many requests, please try again later.'}\n`,
          contentType: 'text/plain; charset=utf-8',
          headers: { 'Retry-After': String(outcome.retryAfterSeconds ?? 1), 'X-Content-Type-Options': 'nosniff' },
        };
      }
      return errorReply(tooManyRequests(outcome.retryAfterSeconds ?? 1, outcome.message));
    case 503:
      return errorReply(serviceUnavailable(outcome.message, outcome.retryAfterSeconds));
    case 504:
      return errorReply(timeoutError(outcome.message));
    default:
      return errorReply(internalError(outcome.message ?? 'injected fault'));
  }
}

function parseRecordedBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function createPipeline(opts: PipelineOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const record = (r: RecordedRequest): void => {
    opts.requests.push(r);
    const excess = opts.requests.length - opts.maxRecordedRequests;
    if (excess > Math.max(1, opts.maxRecordedRequests / 10)) opts.requests.splice(0, excess);
  };

  const send = (req: IncomingMessage, res: ServerResponse, rec: RecordedRequest, reply: Reply): void => {
    rec.status = reply.status;
    if (reply.note) rec.note = reply.note;
    if (reply.stream) {
      res.writeHead(reply.status, { 'Content-Type': reply.contentType ?? 'application/json', 'Cache-Control': 'no-cache, private' });
      res.flushHeaders();
      reply.stream(res);
      return;
    }
    const payload = typeof reply.body === 'string' || Buffer.isBuffer(reply.body) ? reply.body : JSON.stringify(reply.body);
    rec.responseBytes = Buffer.byteLength(payload);
    res.writeHead(reply.status, {
      'Content-Type': reply.contentType ?? 'application/json',
      'Content-Length': rec.responseBytes,
      'Cache-Control': 'no-cache, private',
      ...(reply.headers ?? {}),
    });
    res.end(req.method === 'HEAD' ? undefined : payload);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const rec: RecordedRequest = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0 };
    const contentType = req.headers['content-type'];
    if (contentType) rec.contentType = contentType;
    const accept = req.headers['accept'];
    if (accept) rec.accept = accept;
    record(rec);

    const body = await readBody(req);
    if (body === 'too-large') {
      send(req, res, rec, errorReply(entityTooLarge('limit is 3145728')));
      return;
    }
    if (body.length > 0) rec.body = parseRecordedBody(body);

    let applied: Awaited<ReturnType<FaultInjector['apply']>>;
    try {
      applied = await opts.faults.apply({ method, path: url.pathname, query: url.searchParams, store: opts.store });
    } catch (e) {
      send(req, res, rec, errorReply(internalError(`fault hook failed: ${(e as Error).message}`)));
      return;
    }
    const { outcome, fired } = applied;
    if (fired.length > 0) rec.faults = fired;
    if (outcome?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    const hold = (): void => {
      opts.held.add(res);
      res.on('close', () => opts.held.delete(res));
    };
    if (outcome?.kind === 'hang') {
      hold();
      return;
    }
    if (outcome?.kind === 'status') {
      send(req, res, rec, faultReply(outcome));
      return;
    }

    const token = bearerToken(req.headers.authorization);
    const user = token !== undefined ? opts.users.get(token) : undefined;
    if (!user) {
      send(req, res, rec, errorReply(unauthorized()));
      return;
    }
    rec.user = user.name;

    const info = requestInfo(method, url.pathname, url.searchParams);
    if (opts.authorize) {
      const decision = authorize(opts.policy, user, info);
      if (!decision.allowed) {
        const msg = forbiddenMessage(user, info) + (decision.reason ? `: ${decision.reason}` : '');
        const err = info.isResourceRequest
          ? forbidden({ group: info.apiGroup, resource: info.resource }, info.name, msg)
          : forbiddenPath(msg);
        send(req, res, rec, errorReply(err));
        return;
      }
    }

    const ctx: RouterContext = {
      store: opts.store,
      now: opts.now,
      serverAddress: opts.serverAddress(),
      authorize: (u, attrs) => (opts.authorize ? authorize(opts.policy, u, attrs) : { allowed: true, reason: '' }),
      watches: opts.watches,
    };
    let reply: Reply;
    try {
      reply = route(ctx, { method, path: url.pathname, query: url.searchParams, headers: req.headers, body, info, user });
    } catch (e) {
      reply = e instanceof ApiError ? errorReply(e) : errorReply(internalError((e as Error).message));
    }
    if (outcome?.kind === 'applied-then') {
      // Done in the store; the client never learns it. The record keeps what the server had answered.
      rec.status = reply.status;
      rec.note = `applied (${reply.status}), then the answer was lost: ${outcome.response}`;
      if (outcome.response === 'drop') req.socket.destroy();
      else if (outcome.response === 'hang') hold();
      else send(req, res, { ...rec }, faultReply({ kind: 'status', code: 504, message: 'the gateway timed out waiting for the API server' }));
      return;
    }
    send(req, res, rec, reply);
  };

  return (req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        const payload = JSON.stringify(internalError(e instanceof Error ? e.message : String(e)).status);
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(payload);
      }
    });
  };
}
