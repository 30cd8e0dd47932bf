import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Slack's request signature (https://api.slack.com/docs/verifying-requests-from-slack):
 * `X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:" + X-Slack-Request-Timestamp + ":" + raw body)>`.
 * Over the raw bytes, before any parsing: a re-encoded form or JSON would not hash the same.
 */

/** "could be a replay attack": Slack's window, applied in both directions (a clock ahead is as suspect). */
export const MAX_SKEW_SECONDS = 300;

export type SignatureCheck =
  | { ok: true }
  | { ok: false; code: 'not-configured' | 'missing-headers' | 'bad-timestamp' | 'stale' | 'bad-signature'; reason: string };

export function slackSignature(secret: string, timestamp: string, rawBody: Buffer): string {
  const h = createHmac('sha256', secret);
  h.update(`v0:${timestamp}:`);
  h.update(rawBody);
  return `v0=${h.digest('hex')}`;
}

/**
 * Fails closed: no secret configured is a refusal, never a pass. Every configured secret (two during a rotation)
 * is compared, each in constant time.
 */
export function verifySlackSignature(o: {
  rawBody: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  secrets: readonly string[];
  nowSeconds: number;
}): SignatureCheck {
  const secrets = o.secrets.filter((s) => s.length > 0);
  if (secrets.length === 0) return { ok: false, code: 'not-configured', reason: 'no Slack signing secret is configured' };
  if (!o.timestamp || !o.signature) {
    return { ok: false, code: 'missing-headers', reason: 'X-Slack-Request-Timestamp and X-Slack-Signature are required' };
  }
  if (!/^\d{1,12}$/.test(o.timestamp)) return { ok: false, code: 'bad-timestamp', reason: 'X-Slack-Request-Timestamp is not a Unix time' };
  const skew = o.nowSeconds - Number(o.timestamp);
  if (Math.abs(skew) > MAX_SKEW_SECONDS) {
    return { ok: false, code: 'stale', reason: `request timestamp is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'} (at most ${MAX_SKEW_SECONDS} s)` };
  }
  const given = Buffer.from(o.signature, 'utf8');
  let valid = false;
  for (const secret of secrets) {
    const expected = Buffer.from(slackSignature(secret, o.timestamp, o.rawBody), 'utf8');
    if (given.length === expected.length && timingSafeEqual(given, expected)) valid = true;
  }
  return valid ? { ok: true } : { ok: false, code: 'bad-signature', reason: 'X-Slack-Signature does not match' };
}
