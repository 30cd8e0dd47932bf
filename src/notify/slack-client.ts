import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { redact, redactString, registerSecret } from '../observability/redact.js';
import { type Backoff, backoffDelay } from '../retry/backoff.js';
import { parseRetryAfter } from '../retry/retry-after.js';
import { type Clock, Pacer, type Sleep, sharedPacer, systemClock } from './pacer.js';
import type { SlackMessage } from './slack-message.js';

/** Anything that can deliver a message: the webhook client in production, a recorder in the demo. */
export interface SlackPoster {
  post(message: SlackMessage): Promise<void>;
}

/** Slack refused the message for a reason a retry cannot fix. The message never holds the webhook URL. */
export class SlackPermanentError extends Error {
  override readonly name = 'SlackPermanentError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Slack stayed unavailable or rate limited through every attempt; the event should be retried later. */
export class SlackTransientError extends Error {
  override readonly name = 'SlackTransientError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * Incoming webhooks report errors as an HTTP status plus a plain-text code. What each means for the person
 * reading the error.
 */
const HINTS: Record<string, string> = {
  invalid_token: 'the webhook was revoked or its Slack app uninstalled; create a new incoming webhook and update the stored secret',
  channel_not_found: "the webhook's channel no longer exists; create a new incoming webhook and update the stored secret",
  no_service: 'the webhook is disabled or was removed; create a new incoming webhook and update the stored secret',
  no_active_hooks: 'the webhook is disabled; re-enable it or create a new one and update the stored secret',
  channel_is_archived: "the webhook's channel is archived; unarchive it or point a new webhook at another channel",
  action_prohibited: 'a workspace admin restriction blocks this webhook from posting',
  posting_to_general_channel_denied: 'only admins may post to this channel; use another channel',
  team_disabled: 'the Slack workspace is disabled',
  invalid_blocks: 'Slack refused the message layout; this is a bug in the message builder, please report it',
  invalid_blocks_format: 'Slack refused the message layout; this is a bug in the message builder, please report it',
  invalid_payload: 'Slack could not parse the message; this is a bug in the message builder, please report it',
  no_text: 'the message had no text; this is a bug in the message builder, please report it',
};

export interface SlackWebhookClientOptions {
  url: string;
  /** Shared per webhook by default, so every client of one URL in this process keeps to one message a second. */
  pacer?: Pacer;
  clock?: Clock;
  sleep?: Sleep;
  /** Attempts per message, counting the first. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Uniform in [0, 1): the backoff's jitter. */
  random?: () => number;
  /** A Retry-After longer than this ends the invocation instead of sleeping through it (Lambda time costs money). */
  maxRetryAfterMs?: number;
  timeoutMs?: number;
}

export class SlackWebhookClient implements SlackPoster {
  private readonly url: string;
  private readonly pacer: Pacer;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly maxAttempts: number;
  private readonly backoffPolicy: Backoff;
  private readonly random: () => number;
  private readonly maxRetryAfterMs: number;
  private readonly timeoutMs: number;

  constructor(o: SlackWebhookClientOptions) {
    this.url = o.url;
    registerSecret(o.url);
    this.clock = o.clock ?? systemClock;
    this.sleep = o.sleep ?? sleep;
    this.pacer =
      o.pacer ??
      (o.clock || o.sleep ? new Pacer(1000, this.clock, this.sleep) : sharedPacer(createHash('sha256').update(o.url).digest('hex').slice(0, 16)));
    this.maxAttempts = Math.max(1, o.maxAttempts ?? 4);
    this.backoffPolicy = { baseMs: o.baseDelayMs ?? 1000, capMs: o.maxDelayMs ?? 8000 };
    this.random = o.random ?? Math.random;
    this.maxRetryAfterMs = o.maxRetryAfterMs ?? 30_000;
    this.timeoutMs = o.timeoutMs ?? 10_000;
  }

  async post(message: SlackMessage): Promise<void> {
    const body = JSON.stringify(redact(message));
    let last = 'no attempt made';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      await this.pacer.acquire();
      let status: number;
      let text: string;
      let retryAfter: string | null = null;
      try {
        const res = await fetch(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        status = res.status;
        text = (await res.text()).slice(0, 1024);
        retryAfter = res.headers.get('retry-after');
      } catch (err) {
        // The error (and its cause) can carry the request URL: keep only its code.
        last = `network error (${errorCode(err)})`;
        if (attempt < this.maxAttempts) await this.sleep(this.backoff(attempt));
        continue;
      }
      if (status >= 200 && status < 300) return;
      const code = slackCode(text);
      if (status === 429) {
        const waitMs = parseRetryAfter(retryAfter, this.clock()) ?? this.backoff(attempt);
        last = `HTTP 429 rate limited (Retry-After ${Math.ceil(waitMs / 1000)}s)`;
        if (waitMs > this.maxRetryAfterMs) {
          throw new SlackTransientError(`Slack webhook rate limited: Retry-After ${Math.ceil(waitMs / 1000)}s is longer than this invocation waits`, waitMs);
        }
        // The next acquire sleeps until then, whoever asks first.
        this.pacer.deferUntil(this.clock() + waitMs);
        continue;
      }
      if (status >= 500 || status === 408) {
        last = `HTTP ${status} ${code}`;
        if (attempt < this.maxAttempts) await this.sleep(this.backoff(attempt));
        continue;
      }
      const hint = HINTS[code] ?? 'Slack refused the request; check the webhook configuration';
      throw new SlackPermanentError(status, code, `Slack webhook rejected the message: HTTP ${status} ${code}: ${hint}`);
    }
    throw new SlackTransientError(`Slack webhook failed after ${this.maxAttempts} attempts: ${last}`);
  }

  private backoff(attempt: number): number {
    return backoffDelay(attempt - 1, this.backoffPolicy, this.random);
  }
}

/** Slack answers a bare code such as `channel_not_found`; anything else is summarised, redacted and cut. */
function slackCode(body: string): string {
  const t = body.trim();
  if (/^[a-z][a-z0-9_]{0,63}$/.test(t)) return t;
  if (t === '') return 'empty_response';
  return `unexpected response "${redactString(t).replace(/https?:\/\/\S+/g, '[url]').slice(0, 80)}"`;
}

function errorCode(err: unknown): string {
  const e = err as { name?: unknown; code?: unknown; cause?: { code?: unknown; name?: unknown } } | null;
  const code = e?.cause?.code ?? e?.code ?? e?.cause?.name ?? e?.name;
  return typeof code === 'string' && /^[A-Za-z_]{1,40}$/.test(code) ? code : 'unknown';
}

/**
 * A poster that reads the webhook URL only when there is something to post, and builds a new client only when
 * the URL changed (a rotated secret), so pacing carries over between posts.
 */
export function lazyWebhookPoster(
  source: { url(): Promise<string> },
  options: Omit<SlackWebhookClientOptions, 'url'> = {},
): SlackPoster {
  let current: { url: string; client: SlackWebhookClient } | undefined;
  return {
    async post(message) {
      const url = await source.url();
      if (current?.url !== url) current = { url, client: new SlackWebhookClient({ ...options, url }) };
      await current.client.post(message);
    },
  };
}
