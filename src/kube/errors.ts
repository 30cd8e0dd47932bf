import { ApiException } from '@kubernetes/client-node';
import { parseRetryAfter } from '../retry/retry-after.js';

export type KubeVerb = 'get' | 'list' | 'patch' | 'delete';

/** What we asked the API server: used to name the missing permission when the answer is 403. */
export interface KubeOp {
  verb: KubeVerb;
  /** Plural with group, as RBAC names it: `workflows.argoproj.io`, `pods`. */
  resource: string;
  namespace?: string;
  name?: string;
}

export function describeOp(op: KubeOp): string {
  const where = op.namespace ? (op.name ? ` ${op.namespace}/${op.name}` : ` in namespace ${op.namespace}`) : ' (all namespaces)';
  return `${op.verb} ${op.resource}${where}`;
}

export type FailureKind =
  | 'not-found'
  | 'conflict'
  | 'forbidden'
  | 'unauthorized'
  | 'throttled'
  | 'server-error'
  | 'transport'
  | 'timeout'
  | 'expired'
  | 'rejected'
  | 'config';

/** Failures worth another attempt: the request may succeed unchanged a moment later. */
export const RETRYABLE_KINDS: ReadonlySet<FailureKind> = new Set(['throttled', 'server-error', 'transport', 'timeout']);

/** A classified failure of one request. */
export interface Failure {
  kind: FailureKind;
  status?: number;
  /** Kubernetes `Status.reason` (NotFound, Conflict, Invalid, Forbidden...) when the server sent one. */
  reason?: string;
  message: string;
  retryAfterMs?: number;
  /** errno-style code of a transport failure (ECONNREFUSED...). */
  code?: string;
}

/** Base of every error the cluster adapter throws. Never carries credentials. */
export class KubeError extends Error {
  override readonly name: string = 'KubeError';
  readonly kind: FailureKind;
  readonly status: number | undefined;
  readonly reason: string | undefined;
  readonly op: KubeOp;
  readonly retryable: boolean;

  constructor(message: string, failure: Failure, op: KubeOp, retryable = RETRYABLE_KINDS.has(failure.kind)) {
    super(message);
    this.kind = failure.kind;
    this.status = failure.status;
    this.reason = failure.reason;
    this.op = op;
    this.retryable = retryable;
  }
}

/** 403: a configuration error (RBAC), never retried. Names exactly the permission that is missing. */
export class KubeForbiddenError extends KubeError {
  override readonly name = 'KubeForbiddenError';
  readonly verb: string;
  readonly resource: string;
  readonly namespace: string | undefined;
  /** The server's own Status message, kept verbatim for the audit trail. */
  readonly statusMessage: string;

  constructor(failure: Failure, op: KubeOp) {
    const denied = parseForbidden(failure.message) ?? {
      verb: op.verb,
      resource: op.resource,
      namespace: op.namespace,
      user: undefined,
    };
    const scope = denied.namespace ? `in namespace "${denied.namespace}"` : 'at the cluster scope';
    const who = denied.user ? ` (as ${denied.user})` : '';
    super(
      `forbidden: cannot ${denied.verb} ${denied.resource} ${scope}${who}; grant '${denied.verb}' on '${denied.resource}' ` +
        // Deleting GC tasks is the re-arm's, and lives in its own optional ClusterRole (README "Finishing GC").
        `to the remediator's ClusterRole (${denied.verb === 'delete' && denied.resource.startsWith('workflowartifactgctasks') ? 'infra/rbac/finishing/clusterrole.yaml, the optional one for re-arms' : 'infra/rbac/clusterrole.yaml'})`,
      failure,
      op,
      false,
    );
    this.verb = denied.verb;
    this.resource = denied.resource;
    this.namespace = denied.namespace;
    this.statusMessage = failure.message;
  }
}

/** 401: the credentials were rejected. A configuration error unless a token refresh fixes it. */
export class KubeUnauthorizedError extends KubeError {
  override readonly name = 'KubeUnauthorizedError';
  constructor(failure: Failure, op: KubeOp) {
    super(
      `unauthorized: the API server rejected the credentials for ${describeOp(op)}; check the kubeconfig user, token or EKS access entry`,
      failure,
      op,
      false,
    );
  }
}

/**
 * Retries are exhausted (or the server asked for a longer pause than we may wait). Retryable by the caller:
 * the Lambda returns it as a batch item failure so SQS redelivers later.
 */
export class KubeTransientError extends KubeError {
  override readonly name: string = 'KubeTransientError';
  readonly attempts: number;
  constructor(failure: Failure, op: KubeOp, attempts: number, detail?: string) {
    super(
      `${describeOp(op)} failed: ${failure.message}${failure.status ? ` (HTTP ${failure.status})` : ''}; ` +
        (detail ?? `gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}`),
      failure,
      op,
      true,
    );
    this.attempts = attempts;
  }
}

/** Turns a classified failure into the error the caller sees (after retries, if any). */
export function toKubeError(failure: Failure, op: KubeOp): KubeError {
  switch (failure.kind) {
    case 'forbidden':
      return new KubeForbiddenError(failure, op);
    case 'unauthorized':
      return new KubeUnauthorizedError(failure, op);
    default: {
      // A body that was no Status leaves the message as bare "HTTP 404": do not say it twice.
      const bare = failure.message === `HTTP ${failure.status}`;
      const status = failure.status && !bare ? ` (HTTP ${failure.status}${failure.reason ? ` ${failure.reason}` : ''})` : '';
      return new KubeError(`${describeOp(op)}: ${failure.message}${status}`, failure, op);
    }
  }
}

const FORBIDDEN_RE =
  /(?:User "(?<user>[^"]*)" )?cannot (?<verb>[a-z]+) resource "(?<resource>[^"]+)"(?: in API group "(?<group>[^"]*)")?(?: in the namespace "(?<namespace>[^"]+)"| at the cluster scope)?/;

/** Reads the verb, resource and namespace out of the API server's RBAC denial message. */
export function parseForbidden(
  message: string,
): { verb: string; resource: string; namespace: string | undefined; user: string | undefined } | undefined {
  const m = FORBIDDEN_RE.exec(message);
  if (!m?.groups) return undefined;
  const { verb, resource, group, namespace, user } = m.groups;
  if (!verb || !resource) return undefined;
  return { verb, resource: group ? `${resource}.${group}` : resource, namespace, user };
}

const TRANSPORT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/**
 * Classifies what @kubernetes/client-node 1.x throws: `ApiException` (body is the raw response text) for
 * HTTP errors, node-fetch `FetchError`/`AbortError` for transport. Returns undefined for anything else
 * (a programming error must surface, not be retried).
 */
export function classify(err: unknown, nowMs: number = Date.now()): Failure | undefined {
  if (isApiException(err)) return classifyStatus(err.code, err.body, err.headers, nowMs);
  if (!(err instanceof Error)) return undefined;
  const e = err as Error & { code?: unknown; errno?: unknown; type?: unknown };
  if (e.name === 'AbortError' || e.type === 'aborted') {
    return { kind: 'timeout', message: 'request timed out' };
  }
  const code = typeof e.code === 'string' ? e.code : typeof e.errno === 'string' ? e.errno : undefined;
  if (code && isTlsCode(code)) {
    return { kind: 'config', code, message: `TLS verification failed (${code}): check the cluster CA (caData/certificate-authority)` };
  }
  if (/HTTP protocol is not allowed/.test(e.message)) {
    return { kind: 'config', message: 'plain http:// server needs skipTLSVerify: true (use https with a CA in production)' };
  }
  if (e.name === 'FetchError' || (code !== undefined && TRANSPORT_CODES.has(code))) {
    return { kind: 'transport', ...(code ? { code } : {}), message: transportMessage(e.message, code) };
  }
  return undefined;
}

export function classifyStatus(
  status: number,
  body: unknown,
  headers: Record<string, string> | undefined,
  nowMs: number,
): Failure {
  const parsed = parseStatusBody(body);
  const message = parsed.message ?? `HTTP ${status}`;
  const base = { status, message, ...(parsed.reason ? { reason: parsed.reason } : {}) };
  const retryAfterMs = parseRetryAfter(headerValue(headers, 'retry-after'), nowMs);
  const withRetryAfter = retryAfterMs === undefined ? base : { ...base, retryAfterMs };
  if (status === 404) return { kind: 'not-found', ...base };
  if (status === 409 || status === 422) return { kind: 'conflict', ...base };
  if (status === 403) return { kind: 'forbidden', ...base };
  if (status === 401) return { kind: 'unauthorized', ...base };
  if (status === 410) return { kind: 'expired', ...base };
  if (status === 429) return { kind: 'throttled', ...withRetryAfter };
  if (status >= 500 && status !== 501) return { kind: 'server-error', ...withRetryAfter };
  return { kind: 'rejected', ...base };
}

function isApiException(err: unknown): err is ApiException<unknown> {
  if (err instanceof ApiException) return true;
  // A second copy of the client (bundling) would break instanceof; the shape is stable.
  const e = err as { code?: unknown; body?: unknown; headers?: unknown; message?: unknown } | null;
  return (
    typeof e === 'object' && e !== null && typeof e.code === 'number' && 'body' in e && typeof e.message === 'string' &&
    e.message.startsWith('HTTP-Code:')
  );
}

function parseStatusBody(body: unknown): { message?: string; reason?: string } {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      // Not a Kubernetes Status (a proxy's HTML page...): keep a bounded excerpt.
      const text = body.trim().replace(/\s+/g, ' ').slice(0, 200);
      return text ? { message: text } : {};
    }
  }
  if (typeof value !== 'object' || value === null) return {};
  const s = value as { message?: unknown; reason?: unknown };
  return {
    ...(typeof s.message === 'string' && s.message ? { message: s.message } : {}),
    ...(typeof s.reason === 'string' && s.reason ? { reason: s.reason } : {}),
  };
}

function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

function isTlsCode(code: string): boolean {
  return code.startsWith('CERT_') || code.startsWith('ERR_TLS') || code.includes('SELF_SIGNED') ||
    code.startsWith('UNABLE_TO_') || code === 'ERR_SSL_WRONG_VERSION_NUMBER';
}

function transportMessage(message: string, code: string | undefined): string {
  // node-fetch: "request to https://host/apis/... failed, reason: connect ECONNREFUSED 127.0.0.1:6443".
  const reason = /reason: (.*)$/.exec(message)?.[1] ?? message;
  const text = reason.trim() || code || 'connection failed';
  return `cluster unreachable: ${text}`;
}
