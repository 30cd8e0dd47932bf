import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets } from '../../../src/observability/redact.js';
import { SlackPermanentError, SlackTransientError, SlackWebhookClient } from '../../../src/notify/slack-client.js';
import type { SlackMessage } from '../../../src/notify/slack-message.js';
import { RECEIVER_SECRET, type Reply, type SlackReceiver, replies, startSlackReceiver } from '../../helpers/slack-receiver.js';
import { fakeTime } from '../../unit/notify/fake-time.js';

// Real HTTP to a Slack stand-in on 127.0.0.1. Time is fake: sleeps advance the clock and return at once, and
// the backoff's jitter is fixed at random() = 0.5, so pacing and backoff are asserted exactly without waiting.

let t: ReturnType<typeof fakeTime>;
let slack: SlackReceiver;
beforeEach(async () => {
  t = fakeTime();
  slack = await startSlackReceiver({ now: t.clock });
});
afterEach(async () => {
  await slack.close();
  clearRegisteredSecrets();
});

const msg = (n: number): SlackMessage => ({ text: `message ${n}`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*message* ${n}` } }] });
const client = (o: Partial<ConstructorParameters<typeof SlackWebhookClient>[0]> = {}) =>
  new SlackWebhookClient({ url: slack.url, clock: t.clock, sleep: t.sleep, random: () => 0.5, ...o });

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('SlackWebhookClient over HTTP', () => {
  it('posts JSON with blocks and a text fallback', async () => {
    await client().post(msg(1));
    expect(slack.posts).toHaveLength(1);
    expect(slack.posts[0]!.headers['content-type']).toMatch(/^application\/json/);
    expect(slack.posts[0]!.json).toEqual(msg(1));
  });

  it('keeps at least 1 s between posts to one webhook', async () => {
    const c = client();
    for (let i = 1; i <= 4; i++) await c.post(msg(i));
    const at = slack.posts.map((p) => p.receivedAt);
    expect(at).toHaveLength(4);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(1000);
    expect(t.sleeps).toEqual([1000, 1000, 1000]);
  });

  it('paces concurrent posts too: each waits its turn of at least 1 s', async () => {
    const c = client();
    await Promise.all([c.post(msg(1)), c.post(msg(2)), c.post(msg(3))]);
    expect(slack.posts).toHaveLength(3);
    expect(t.sleeps).toEqual([1000, 1000]);
  });

  it('honours 429 Retry-After, then succeeds', async () => {
    slack.script(replies.rateLimited(3));
    await client().post(msg(1));
    expect(slack.posts.map((p) => p.reply.status)).toEqual([429, 200]);
    expect(slack.posts[1]!.receivedAt - slack.posts[0]!.receivedAt).toBeGreaterThanOrEqual(3000);
    expect(t.sleeps).toContain(3000);
  });

  it.each([
    ['fractional seconds', '1.5', 1500],
    ['an HTTP date', 'Thu, 01 Jan 2026 00:00:04 GMT', 4000],
  ])('reads a Retry-After of %s', async (_, header, waitMs) => {
    t = fakeTime(Date.parse('2026-01-01T00:00:00Z'));
    slack.script({ status: 429, body: 'rate_limited', headers: { 'retry-after': header } });
    await client().post(msg(1));
    expect(slack.posts.map((p) => p.reply.status)).toEqual([429, 200]);
    expect(t.sleeps).toEqual([waitMs]);
  });

  it('does not sit out a Retry-After longer than the invocation can wait', async () => {
    slack.script(replies.rateLimited(120));
    const err = await failure(client().post(msg(1)));
    expect(err).toBeInstanceOf(SlackTransientError);
    expect((err as SlackTransientError).retryAfterMs).toBe(120_000);
    expect(slack.posts).toHaveLength(1);
    expect(t.sleeps).toEqual([]);
  });

  it('retries 5xx with exponential backoff, then succeeds', async () => {
    slack.script(replies.serverError(), replies.serverError());
    await client().post(msg(1));
    expect(slack.posts.map((p) => p.reply.status)).toEqual([500, 500, 200]);
    // Full jitter at 0.5 of 1 s then 2 s; the pacer tops the first wait up to its 1 s spacing.
    expect(t.sleeps).toEqual([500, 500, 1000]);
  });

  it('gives up after 4 attempts on a persistent 5xx with a retryable error', async () => {
    slack.script(...Array.from({ length: 6 }, replies.serverError));
    const err = await failure(client().post(msg(1)));
    expect(err).toBeInstanceOf(SlackTransientError);
    expect(err.message).toBe('Slack webhook failed after 4 attempts: HTTP 500 internal_error');
    expect(slack.posts).toHaveLength(4);
    expect(t.sleeps).toEqual([500, 500, 1000, 2000]);
  });

  it.each<[string, Reply, number, string, RegExp]>([
    ['403 invalid_token', replies.invalidToken(), 403, 'invalid_token', /revoked/],
    ['404 channel_not_found', replies.channelNotFound(), 404, 'channel_not_found', /no longer exists/],
    ['404 no_service', replies.noService(), 404, 'no_service', /disabled or was removed/],
    ['400 invalid_blocks', replies.invalidBlocks(), 400, 'invalid_blocks', /message layout/],
    ['410 channel_is_archived', replies.channelArchived(), 410, 'channel_is_archived', /archived/],
  ])('fails fast on %s with a clear message and no URL', async (_, reply, status, code, hint) => {
    slack.script(reply);
    const err = await failure(client().post(msg(1)));
    expect(err).toBeInstanceOf(SlackPermanentError);
    expect(err.message).toMatch(new RegExp(`^Slack webhook rejected the message: HTTP ${status} ${code}: `));
    expect(err.message).toMatch(hint);
    expect((err as SlackPermanentError).code).toBe(code);
    expect(slack.posts).toHaveLength(1);
    const everything = JSON.stringify({ message: err.message, stack: err.stack, own: { ...err } });
    expect(everything).not.toContain(slack.url);
    expect(everything).not.toContain(RECEIVER_SECRET);
    expect(everything).not.toContain('/services/');
  });

  it('reports an unreachable webhook by error code only, never the URL', async () => {
    const url = slack.url;
    await slack.close();
    const err = await failure(new SlackWebhookClient({ url, clock: t.clock, sleep: t.sleep, maxAttempts: 2 }).post(msg(1)));
    slack = await startSlackReceiver({ now: t.clock }); // for afterEach
    expect(err).toBeInstanceOf(SlackTransientError);
    expect(err.message).toBe('Slack webhook failed after 2 attempts: network error (ECONNREFUSED)');
    expect(JSON.stringify({ m: err.message, s: err.stack, c: (err as { cause?: unknown }).cause })).not.toContain(RECEIVER_SECRET);
  });

  it('never sends a secret to Slack, even one that reached the message', async () => {
    await client().post({ text: 'see Bearer abc.def.ghi', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'k8s-aws-v1.c2VjcmV0c2VjcmV0' } }] });
    expect(slack.posts[0]!.body).not.toContain('abc.def.ghi');
    expect(slack.posts[0]!.body).not.toContain('c2VjcmV0c2VjcmV0');
  });
});
