import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ButtonClaim } from '../../../src/domain/approval.js';
import { BUTTON_VALUE_MAX, ButtonKeyError, signButtonValue, verifyButtonValue } from '../../../src/domain/button-value.js';

const KEY = 'k'.repeat(16) + 'button-signing-key-0123456789';
const OLD = 'o'.repeat(16) + 'old-button-signing-key-987654';
const NOW = Date.parse('2026-12-01T10:00:00Z');
const claim: ButtonClaim = {
  v: 1,
  c: 'prod-eu',
  ns: 'data',
  n: 'etl-run-q8h2d',
  uid: '00000000-0000-4000-8000-000000000003',
  cause: 'gc-failed',
  pend: '0123456789abcdef0123456789abcdef',
  pc: 2,
  act: 'rearm',
  exp: NOW / 1000 + 86_400,
  d: 'a'.repeat(32),
};

describe('signed button values', () => {
  it('round-trips, stays under Slack\'s 2000 characters with the longest names, and holds no key', () => {
    const value = signButtonValue(claim, [KEY]);
    expect(verifyButtonValue(value, [KEY], NOW)).toEqual({ ok: true, claim });
    expect(value).not.toContain(KEY);
    const long = signButtonValue({ ...claim, ns: 'n'.repeat(63), n: 'w'.repeat(253), c: 'c'.repeat(100) }, [KEY]);
    expect(long.length).toBeLessThan(BUTTON_VALUE_MAX);
  });

  it('is an HMAC-SHA256 anyone holding the key can recompute (checked by hand here)', () => {
    const value = signButtonValue(claim, [KEY]);
    const [prefix, payload, sig] = value.split('.');
    expect(prefix).toBe('afr1');
    expect(sig).toBe(createHmac('sha256', KEY).update(`afr1.${payload}`).digest('base64url'));
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toEqual(claim);
  });

  it('refuses a value re-pointed at another Workflow, action or expiry', () => {
    const [, , sig] = signButtonValue(claim, [KEY]).split('.');
    for (const changed of [{ ...claim, n: 'other-wf' }, { ...claim, act: 'remove' as const }, { ...claim, exp: claim.exp + 3600 }]) {
      const forged = `afr1.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${sig}`;
      expect(verifyButtonValue(forged, [KEY], NOW)).toMatchObject({ ok: false, code: 'tampered' });
    }
  });

  it('tells expired from tampered, and keeps the claim of an expired one for the audit', () => {
    const value = signButtonValue(claim, [KEY]);
    expect(verifyButtonValue(value, [KEY], claim.exp * 1000)).toEqual({ ok: true, claim });
    expect(verifyButtonValue(value, [KEY], claim.exp * 1000 + 1)).toEqual({ ok: false, code: 'expired', reason: 'the button expired at 2026-12-02T10:00:00.000Z', claim });
    expect(verifyButtonValue(value, ['x'.repeat(40)], NOW)).toMatchObject({ ok: false, code: 'tampered' });
    expect(verifyButtonValue('not-a-value', [KEY], NOW)).toMatchObject({ ok: false, code: 'malformed' });
    expect(verifyButtonValue(value, [], NOW)).toMatchObject({ ok: false, code: 'tampered' });
  });

  it('accepts the previous key during a rotation; signs only with the current one', () => {
    const old = signButtonValue(claim, [OLD]);
    expect(verifyButtonValue(old, [KEY, OLD], NOW)).toMatchObject({ ok: true });
    expect(verifyButtonValue(old, [KEY], NOW)).toMatchObject({ ok: false, code: 'tampered' });
    expect(signButtonValue(claim, [KEY, OLD])).toBe(signButtonValue(claim, [KEY]));
  });

  it('refuses short keys and no key', () => {
    expect(() => signButtonValue(claim, ['short'])).toThrow(ButtonKeyError);
    expect(() => signButtonValue(claim, [])).toThrow(ButtonKeyError);
  });
});

describe('what a refused button value says', () => {
  const signed = (payloadText: string, key = KEY) => {
    const payload = Buffer.from(payloadText).toString('base64url');
    return `afr1.${payload}.${createHmac('sha256', key).update(`afr1.${payload}`).digest('base64url')}`;
  };
  const value = () => signButtonValue(claim, [KEY]);

  it('names a key too short or missing, and accepts one of exactly the minimum length', () => {
    const err = (() => {
      try {
        signButtonValue(claim, ['k'.repeat(31)]);
      } catch (e) {
        return e as Error;
      }
      throw new Error('signed');
    })();
    expect([err.name, err.message]).toEqual(['ButtonKeyError', 'the button signing key must be at least 32 characters']);
    expect(() => signButtonValue(claim, [])).toThrow(new ButtonKeyError('no button signing key'));
    expect(verifyButtonValue(signButtonValue(claim, ['k'.repeat(32)]), ['k'.repeat(32)], NOW)).toMatchObject({ ok: true });
  });

  it("signs up to Slack's 2000 characters and refuses to sign past them (long non-ASCII names)", () => {
    // '中' is 3 bytes of UTF-8: these names fit the claim's character limits, the value just reaches 2000.
    const atLimit = { ...claim, ns: '中'.repeat(253), n: '中'.repeat(116) + 'w'.repeat(136) };
    const v = signButtonValue(atLimit, [KEY]);
    expect(v.length).toBe(BUTTON_VALUE_MAX);
    expect(verifyButtonValue(v, [KEY], NOW)).toEqual({ ok: true, claim: atLimit });
    expect(() => signButtonValue({ ...atLimit, n: `${atLimit.n}w` }, [KEY])).toThrow(/^button value of 200\d characters exceeds Slack's 2000$/);
  });

  it('tells a missing key configuration from a forgery', () => {
    expect(verifyButtonValue(value(), [], NOW)).toEqual({ ok: false, code: 'tampered', reason: 'no button signing key is configured' });
    expect(verifyButtonValue(value(), ['x'.repeat(40)], NOW)).toEqual({ ok: false, code: 'tampered', reason: 'the button value signature does not match' });
  });

  it('refuses as malformed, before any signature check, what is too long or not shaped afr1.<claim>.<mac>', () => {
    const notOurs = { ok: false, code: 'malformed', reason: 'not a button value of this remediator' };
    expect(verifyButtonValue(`afr1.${'x'.repeat(2100)}.sig`, [KEY], NOW)).toEqual({ ok: false, code: 'malformed', reason: 'button value too long' });
    expect(verifyButtonValue(value().replace(/^afr1/, 'afr2'), [KEY], NOW)).toEqual(notOurs);
    expect(verifyButtonValue(`${value()}.extra`, [KEY], NOW)).toEqual(notOurs);
    expect(verifyButtonValue(value().split('.').slice(0, 2).join('.'), [KEY], NOW)).toEqual(notOurs);
  });

  it('refuses a cut signature as tampered, without throwing', () => {
    expect(verifyButtonValue(value().slice(0, -4), [KEY], NOW)).toEqual({ ok: false, code: 'tampered', reason: 'the button value signature does not match' });
  });

  it('refuses a correctly signed value that holds no JSON, or JSON that is no claim', () => {
    expect(verifyButtonValue(signed('{not json'), [KEY], NOW)).toEqual({ ok: false, code: 'malformed', reason: 'the button value does not decode' });
    expect(verifyButtonValue(signed(JSON.stringify({ ...claim, v: 2 })), [KEY], NOW)).toEqual({ ok: false, code: 'malformed', reason: 'the button value has an unknown shape' });
  });
});

describe('button values and the redactor', () => {
  it('leave every signed value intact through redaction (Slack payloads are redacted before posting)', async () => {
    const { redact, redactString } = await import('../../../src/observability/redact.js');
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9-]{1,63}$/), fc.stringMatching(/^[a-z0-9-]{1,63}$/), fc.integer({ min: 1, max: 2_000_000_000 }), (ns, n, exp) => {
        const value = signButtonValue({ ...claim, ns, n, exp }, [KEY]);
        expect(redactString(value)).toBe(value);
        expect(redact({ blocks: [{ type: 'actions', elements: [{ value }] }] })).toEqual({ blocks: [{ type: 'actions', elements: [{ value }] }] });
      }),
      { numRuns: 300, seed: 14 },
    );
    // Only a whole value is exempt: an AWS-secret-like run inside other text is still redacted.
    expect(redactString(`x ${'Ab1'.repeat(13)}A y`)).toContain('[REDACTED]');
  });
});
