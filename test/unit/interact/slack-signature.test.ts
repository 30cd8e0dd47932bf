import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_SKEW_SECONDS, verifySlackSignature } from '../../../src/interact/slack-signature.js';

// Slack's documented example (https://api.slack.com/docs/verifying-requests-from-slack).
const DOC = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
    '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com' +
    '%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

/** Independent of the code under test: OpenSSL computes the HMAC. */
function opensslSign(secret: string, ts: string, body: string): string {
  const out = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret, '-r'], { input: `v0:${ts}:${body}` }).toString('utf8');
  return `v0=${out.split(' ')[0]}`;
}

/** And a second one, by hand: the basestring built as one buffer. */
function handSign(secret: string, ts: string, body: Buffer): string {
  return 'v0=' + createHmac('sha256', Buffer.from(secret)).update(Buffer.concat([Buffer.from(`v0:${ts}:`), body])).digest('hex');
}

const check = (o: Partial<Parameters<typeof verifySlackSignature>[0]>) =>
  verifySlackSignature({
    rawBody: Buffer.from(DOC.body),
    timestamp: DOC.timestamp,
    signature: DOC.signature,
    secrets: [DOC.secret],
    nowSeconds: Number(DOC.timestamp),
    ...o,
  });

describe('Slack request signature', () => {
  it("accepts Slack's documented test vector", () => {
    expect(check({})).toEqual({ ok: true });
    expect(opensslSign(DOC.secret, DOC.timestamp, DOC.body)).toBe(DOC.signature);
  });

  it('accepts requests signed by independent implementations (OpenSSL, and a hand-built basestring)', () => {
    const body = 'payload=' + encodeURIComponent(JSON.stringify({ type: 'block_actions', note: 'ünïcödé & = +' }));
    const ts = '1790000000';
    for (const signature of [opensslSign('another-secret-123', ts, body), handSign('another-secret-123', ts, Buffer.from(body))]) {
      expect(check({ rawBody: Buffer.from(body), timestamp: ts, signature, secrets: ['another-secret-123'], nowSeconds: 1790000000 })).toEqual({ ok: true });
    }
  });

  it('refuses a tampered body, a wrong secret, a truncated or differently encoded signature', () => {
    expect(check({ rawBody: Buffer.from(DOC.body + 'x') })).toMatchObject({ ok: false, code: 'bad-signature' });
    expect(check({ secrets: ['8f742231b10e8888abcd99yyyzzz85a6'] })).toMatchObject({ ok: false, code: 'bad-signature' });
    expect(check({ signature: DOC.signature.slice(0, -2) })).toMatchObject({ ok: false, code: 'bad-signature' });
    expect(check({ signature: DOC.signature.toUpperCase() })).toMatchObject({ ok: false, code: 'bad-signature' });
    expect(check({ signature: 'v1=' + DOC.signature.slice(3) })).toMatchObject({ ok: false, code: 'bad-signature' });
  });

  it('holds the 300 s window in both directions', () => {
    const ts = Number(DOC.timestamp);
    expect(check({ nowSeconds: ts + MAX_SKEW_SECONDS })).toEqual({ ok: true });
    expect(check({ nowSeconds: ts - MAX_SKEW_SECONDS })).toEqual({ ok: true });
    expect(check({ nowSeconds: ts + MAX_SKEW_SECONDS + 1 })).toMatchObject({ ok: false, code: 'stale', reason: expect.stringContaining('old') });
    expect(check({ nowSeconds: ts - MAX_SKEW_SECONDS - 1 })).toMatchObject({ ok: false, code: 'stale', reason: expect.stringContaining('future') });
  });

  it('accepts either of two secrets during a rotation, in any order', () => {
    expect(check({ secrets: ['new-secret-aaaaaaaaaaaaaaaa', DOC.secret] })).toEqual({ ok: true });
    expect(check({ secrets: [DOC.secret, 'old-secret-bbbbbbbbbbbbbbbb'] })).toEqual({ ok: true });
    expect(check({ secrets: ['new-secret-aaaaaaaaaaaaaaaa', 'old-secret-bbbbbbbbbbbbbbbb'] })).toMatchObject({ ok: false, code: 'bad-signature' });
  });

  it('fails closed without a secret, and on missing or malformed headers', () => {
    expect(check({ secrets: [] })).toMatchObject({ ok: false, code: 'not-configured' });
    expect(check({ secrets: [''] })).toMatchObject({ ok: false, code: 'not-configured' });
    expect(check({ timestamp: undefined })).toMatchObject({ ok: false, code: 'missing-headers' });
    expect(check({ signature: undefined })).toMatchObject({ ok: false, code: 'missing-headers' });
    expect(check({ timestamp: '1531420618.5' })).toMatchObject({ ok: false, code: 'bad-timestamp' });
    expect(check({ timestamp: '-1531420618' })).toMatchObject({ ok: false, code: 'bad-timestamp' });
  });
});
