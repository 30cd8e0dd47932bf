import {
  type ConfigurationOptions,
  Observable,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { classify, type Failure, type KubeOp } from './errors.js';
import { DEFAULT_RATE_LIMIT, type RateLimit, TokenBucket } from './rate-limiter.js';
import { DEFAULT_RETRY, realRetryDeps, type RetryDeps, type RetryPolicy, withRetry } from './retry.js';

export interface TransportOptions {
  retry?: Partial<RetryPolicy>;
  rateLimit?: RateLimit;
  /** Per attempt, enforced with an AbortSignal handed to the HTTP client; 0 waits as long as the socket does. */
  timeoutMs?: number;
  deps?: Partial<RetryDeps>;
  /**
   * Called on a 401. Returning true means the credentials were refreshed (an EKS token past its life) and
   * the request is tried once more; a second 401 is final.
   */
  onUnauthorized?: () => boolean;
  onRetry?: (info: { op: KubeOp; failure: Failure; attempt: number; delayMs: number }) => void;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Every request to the API server goes through here: rate limit, per-attempt timeout, error classification,
 * bounded retries. One instance per port, so the token bucket is shared by all of the port's requests.
 */
export class KubeTransport {
  private readonly bucket: TokenBucket;
  private readonly policy: RetryPolicy;
  private readonly deps: RetryDeps;
  private readonly timeoutMs: number;

  constructor(private readonly opts: TransportOptions = {}) {
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
    this.deps = { ...realRetryDeps, ...opts.deps };
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.bucket = new TokenBucket(opts.rateLimit ?? DEFAULT_RATE_LIMIT, this.deps);
  }

  /** `send` receives the client options to pass as the generated API's second argument. */
  call<T>(op: KubeOp, send: (options: ConfigurationOptions) => Promise<T>, extra: { contentType?: string; accept?: string } = {}): Promise<T> {
    return withRetry(
      op,
      async () => {
        await this.bucket.take();
        const abort = new AbortController();
        const timer = this.timeoutMs > 0 ? setTimeout(() => abort.abort(), this.timeoutMs) : undefined;
        try {
          let options: ConfigurationOptions = { middleware: [signalMiddleware(abort.signal)], middlewareMergeStrategy: 'append' };
          if (extra.contentType) options = setHeaderOptions('Content-Type', extra.contentType, options);
          if (extra.accept) options = setHeaderOptions('Accept', extra.accept, options);
          return await send(options);
        } finally {
          clearTimeout(timer);
        }
      },
      {
        policy: this.policy,
        deps: this.deps,
        classify: (err) => classify(err, this.deps.now()),
        onFailure: (failure) => (failure.kind === 'unauthorized' && this.opts.onUnauthorized?.() ? 'retry-now' : 'default'),
        ...(this.opts.onRetry ? { onRetry: this.opts.onRetry } : {}),
      },
    );
  }

  /**
   * Like `call`, but returns the response body as parsed JSON rather than the client's typed model, whose
   * deserializer turns timestamps into Date objects and drops fields it does not know. The domain wants the
   * object exactly as the API server sent it.
   */
  async callRaw(op: KubeOp, send: (options: ConfigurationOptions) => Promise<unknown>, extra: { accept?: string } = {}): Promise<unknown> {
    return JSON.parse(await this.callText(op, send, extra)) as unknown;
  }

  /** The response body exactly as sent (pod logs are text), whatever the generated client makes of it. */
  async callText(op: KubeOp, send: (options: ConfigurationOptions) => Promise<unknown>, extra: { accept?: string } = {}): Promise<string> {
    return (await this.callBytes(op, send, extra)).toString('utf8');
  }

  /**
   * The response body's bytes, which the generated client never parses: a list page read item by item
   * (list-body.ts) is then never held as one string or one parse.
   */
  async callBytes(op: KubeOp, send: (options: ConfigurationOptions) => Promise<unknown>, extra: { accept?: string } = {}): Promise<Buffer> {
    const sink: { bytes?: Buffer } = {};
    await this.call(
      op,
      (options) => send({ ...options, middleware: [...(options.middleware ?? []), rawBodyMiddleware(sink)] }),
      extra,
    );
    if (sink.bytes === undefined) throw new Error(`${op.verb} ${op.resource}: response body was not captured`);
    return sink.bytes;
  }
}

function signalMiddleware(signal: AbortSignal): ObservableMiddleware {
  return {
    pre: (ctx: RequestContext) => {
      ctx.setSignal(signal);
      return new Observable(Promise.resolve(ctx));
    },
    post: (rsp: ResponseContext) => new Observable(Promise.resolve(rsp)),
  };
}

function rawBodyMiddleware(sink: { bytes?: Buffer }): ObservableMiddleware {
  return {
    pre: (ctx: RequestContext) => new Observable(Promise.resolve(ctx)),
    post: (rsp: ResponseContext) =>
      new Observable(
        (async () => {
          const bytes = await rsp.body.binary();
          // The body stream can be read once. On success the caller reads the captured bytes and ignores what the
          // client returns, so the client is handed `null` to parse instead of a second copy of the body; an error
          // keeps its body, which the client puts in its ApiException and classify() reads.
          if (rsp.httpStatusCode >= 200 && rsp.httpStatusCode <= 299) {
            sink.bytes = bytes;
            rsp.body = { text: async () => 'null', binary: async () => Buffer.from('null') };
          } else {
            rsp.body = { text: async () => bytes.toString('utf8'), binary: async () => bytes };
          }
          return rsp;
        })(),
      ),
  };
}
