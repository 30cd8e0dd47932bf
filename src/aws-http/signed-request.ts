import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
// Static: every cold click reads SSM over TLS, so its cost belongs in the measured load, not hidden in the click.
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { AWS_MAX_ATTEMPTS, AWS_REQUEST_TIMEOUT_MS } from '../aws/client-options.js';
import { type Backoff, backoffDelay } from '../retry/backoff.js';
import { regionFromEnv } from '../aws/region.js';

/** The role's credentials, as Lambda puts them in every function's environment. */
export interface EnvCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * Lambda always sets these three for the function's role (the runtime's own "env" provider, which the SDK's
 * chain tries first). Nothing else is tried: no profile files, no SSO, no STS, which is what keeps the SDK's
 * credential chain out of interact's bundle.
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): EnvCredentials {
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  if (!accessKeyId || !secretAccessKey) {
    throw new AwsRequestError('no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set (Lambda sets them for the function role)', 'CredentialsNotFound', undefined, false);
  }
  const sessionToken = env['AWS_SESSION_TOKEN'];
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

export function requiredRegion(env: NodeJS.ProcessEnv): string {
  const region = regionFromEnv(env);
  if (!region) throw new AwsRequestError('no AWS region: AWS_REGION is not set (Lambda sets it)', 'RegionNotFound', undefined, false);
  return region;
}

/**
 * The endpoint override the SDK honours (AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL): moto_server in the
 * tests, a VPC endpoint or a local stack otherwise. Without one, the service's regional endpoint.
 */
export function endpointOverride(env: NodeJS.ProcessEnv, service: 'S3' | 'SQS' | 'SSM'): string | undefined {
  const url = env[`AWS_ENDPOINT_URL_${service}`] || env['AWS_ENDPOINT_URL'];
  return url ? url.replace(/\/+$/, '') : undefined;
}

/**
 * A failed AWS call, shaped like the SDK's service exceptions where the shared seams look (`name` is AWS's error
 * code, `$metadata.httpStatusCode` its status), so the 412 / 409 / 404 rules of src/audit/s3-conditional.ts read
 * both alike. The message names the service, operation and code, never a request or response body.
 */
export class AwsRequestError extends Error {
  override readonly name: string;
  readonly $metadata: { httpStatusCode?: number; attempts?: number };
  constructor(
    message: string,
    code: string,
    status: number | undefined,
    readonly retryable: boolean,
    attempts?: number,
  ) {
    super(message);
    this.name = code;
    this.$metadata = { ...(status !== undefined ? { httpStatusCode: status } : {}), ...(attempts !== undefined ? { attempts } : {}) };
  }
}

/**
 * A 2xx answer's JSON body. A body that is not JSON fails without quoting it: for a decrypted GetParameter that
 * text would be the secret, and JSON.parse's SyntaxError repeats the start of its input.
 */
export function jsonAnswer<T>(res: AwsHttpResponse, service: string, operation: string): T {
  try {
    return JSON.parse(res.body) as T;
  } catch {
    throw new AwsRequestError(`${service} ${operation}: the answer (HTTP ${res.status}, ${res.body.length} bytes) is not JSON`, 'InvalidAnswer', res.status, false);
  }
}

/** The codes AWS answers when the signature's credentials are not accepted (not: the role lacks a permission). */
const CREDENTIAL_CODES = new Set([
  'InvalidAccessKeyId',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'InvalidSignatureException',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidToken',
  'AuthFailure',
]);

/** The SDK's throttling codes (@smithy/service-error-classification), retried like a 5xx but with a longer base. */
const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);
const TRANSIENT_CODES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'InternalError', 'ServiceUnavailable']);

/** The SDK's standard retry strategy: full jitter from 100 ms (500 ms when throttled), capped at 20 s. */
const RETRY_BACKOFF: Backoff = { baseMs: 100, capMs: 20_000 };
const THROTTLED_BACKOFF: Backoff = { baseMs: 500, capMs: 20_000 };

export interface SignedRequestOptions {
  env?: NodeJS.ProcessEnv;
  /** Attempts in all, the first included; default AWS_MAX_ATTEMPTS, as every SDK client of the functions. */
  attempts?: number;
  /** Per attempt, the body read included; default AWS_REQUEST_TIMEOUT_MS. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface AwsHttpRequest {
  /** `S3`, `SQS`, `SSM`: names the call in errors. */
  service: string;
  /** SigV4's service name: `s3`, `sqs`, `ssm`. */
  signingName: string;
  operation: string;
  method: 'GET' | 'PUT' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export interface AwsHttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

// One connection per endpoint kept open between calls: a click makes eight or so, to three hosts.
const agents = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) };

/**
 * node:http(s), not fetch: fetch's first use loads undici, about 40 ms of CPU in a fresh process (the first
 * click's), node:http about 10 and TLS is needed either way.
 */
function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<AwsHttpResponse> {
  return new Promise((resolve, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(url, { method, headers, agent: agents[url.protocol as 'http:' | 'https:'], signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('error', reject);
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

function header(res: AwsHttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Reads an AWS error document: JSON (`__type`, `message`), S3's XML `<Error>`, or SQS's query-error header. */
function errorOf(res: AwsHttpResponse): { code: string; message: string } {
  const queryError = header(res, 'x-amzn-query-error')?.split(';')[0];
  let code: string | undefined;
  let message: string | undefined;
  if (res.body.trimStart().startsWith('{')) {
    try {
      const doc = JSON.parse(res.body) as Record<string, unknown>;
      const type = doc['__type'] ?? doc['code'] ?? header(res, 'x-amzn-errortype');
      if (typeof type === 'string') code = type.split('#').pop()!.split(':')[0];
      const m = doc['message'] ?? doc['Message'];
      if (typeof m === 'string') message = m;
    } catch {
      // not JSON after all: the status decides
    }
  } else {
    code = /<Code>([^<]*)<\/Code>/.exec(res.body)?.[1];
    message = /<Message>([^<]*)<\/Message>/.exec(res.body)?.[1];
  }
  code = queryError ?? code ?? header(res, 'x-amzn-errortype')?.split(':')[0];
  const byStatus = res.status === 404 ? 'NotFound' : res.status === 412 ? 'PreconditionFailed' : res.status >= 500 ? 'InternalError' : `Http${res.status}`;
  return { code: code || byStatus, message: (message ?? '').slice(0, 300) };
}

/**
 * One AWS call, SigV4-signed with the environment's credentials and sent with node:http(s); throttling, 5xx,
 * timeouts and connection failures are retried (bounded, jittered, as the SDK's standard strategy), any other
 * answer is final. Returns the 2xx response; throws AwsRequestError otherwise.
 */
export async function signedRequest(req: AwsHttpRequest, o: SignedRequestOptions = {}): Promise<AwsHttpResponse> {
  const env = o.env ?? process.env;
  const attempts = Math.max(1, o.attempts ?? AWS_MAX_ATTEMPTS);
  const timeoutMs = o.timeoutMs ?? AWS_REQUEST_TIMEOUT_MS;
  const wait = o.sleep ?? sleep;
  const what = `${req.service} ${req.operation}`;
  const signer = new SignatureV4({
    service: req.signingName,
    region: requiredRegion(env),
    credentials: credentialsFromEnv(env),
    sha256: Hash.bind(null, 'sha256'),
    // S3 signs the path as sent (encoded once) and wants the payload hash in x-amz-content-sha256.
    uriEscapePath: req.signingName !== 's3',
    applyChecksum: req.signingName === 's3',
  });
  const query: Record<string, string> = {};
  for (const [k, v] of req.url.searchParams) query[k] = v;
  for (let attempt = 1; ; attempt++) {
    // Signed per attempt: the signature carries the time (valid 15 min), and backoff may pass it. A clock-skew answer
    // is final here: the SDK corrects its clock from the Date header, this transport does not (README).
    const signed = await signer.sign({
      method: req.method,
      protocol: req.url.protocol,
      hostname: req.url.hostname,
      ...(req.url.port ? { port: Number(req.url.port) } : {}),
      path: req.url.pathname,
      query,
      headers: { ...req.headers, host: req.url.host },
      ...(req.body !== undefined ? { body: req.body } : {}),
    });
    const headers = { ...(signed.headers as Record<string, string>), ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}) };
    let failure: AwsRequestError;
    try {
      const res = await send(req.url, req.method, headers, req.body, timeoutMs);
      if (res.status < 300) return res;
      const { code, message } = errorOf(res);
      const retryable = res.status >= 500 || res.status === 429 || THROTTLING_CODES.has(code) || TRANSIENT_CODES.has(code);
      const text = CREDENTIAL_CODES.has(code)
        ? `${what}: AWS refused the request's credentials (${res.status} ${code}); check the role credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN${message ? `: ${message}` : ''}`
        : `${what} failed: ${res.status} ${code}${message ? `: ${message}` : ''}`;
      failure = new AwsRequestError(text, code, res.status, retryable, attempt);
    } catch (err) {
      const e = err as Error & { code?: string };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        failure = new AwsRequestError(`${what}: no answer within ${timeoutMs} ms`, 'TimeoutError', undefined, true, attempt);
      } else {
        const code = e.code ?? e.name;
        failure = new AwsRequestError(`${what}: could not reach ${req.url.origin} (${code})`, 'NetworkingError', undefined, true, attempt);
      }
    }
    if (!failure.retryable || attempt >= attempts) {
      if (failure.retryable && attempts > 1) failure.message += ` (after ${attempt} attempts)`;
      throw failure;
    }
    await wait(backoffDelay(attempt - 1, THROTTLING_CODES.has(failure.name) || failure.$metadata.httpStatusCode === 429 ? THROTTLED_BACKOFF : RETRY_BACKOFF));
  }
}
