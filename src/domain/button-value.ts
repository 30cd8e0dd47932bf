import { createHmac, timingSafeEqual } from 'node:crypto';
import { ButtonClaim } from './approval.js';

/**
 * A button value the remediator signed: `afr1.<base64url claim JSON>.<base64url HMAC-SHA256>`. Slack hands it
 * back verbatim on a click; anyone can read it (it holds nothing secret), nobody without the key can alter it
 * into another Workflow, another action or a later expiry. Pure: keys come from the caller (SSM in production).
 */

const PREFIX = 'afr1';
/** Slack's limit on a button value. */
export const BUTTON_VALUE_MAX = 2000;
/** A key shorter than this is refused: an HMAC key is only as strong as its length. */
export const MIN_KEY_LENGTH = 32;

export class ButtonKeyError extends Error {
  override readonly name = 'ButtonKeyError';
}

function mac(key: string, payload: string): Buffer {
  return createHmac('sha256', key).update(`${PREFIX}.${payload}`).digest();
}

function checkKey(key: string): void {
  if (key.length < MIN_KEY_LENGTH) throw new ButtonKeyError(`the button signing key must be at least ${MIN_KEY_LENGTH} characters`);
}

/** Signs with the first (current) key. */
export function signButtonValue(claim: ButtonClaim, keys: readonly string[]): string {
  const key = keys[0];
  if (key === undefined) throw new ButtonKeyError('no button signing key');
  checkKey(key);
  const payload = Buffer.from(JSON.stringify(ButtonClaim.parse(claim))).toString('base64url');
  const value = `${PREFIX}.${payload}.${mac(key, payload).toString('base64url')}`;
  if (value.length > BUTTON_VALUE_MAX) throw new ButtonKeyError(`button value of ${value.length} characters exceeds Slack's ${BUTTON_VALUE_MAX}`);
  return value;
}

export type ButtonValueCheck =
  | { ok: true; claim: ButtonClaim }
  | { ok: false; code: 'malformed' | 'tampered' | 'expired'; reason: string; claim?: ButtonClaim };

/**
 * Checks the signature against every key (current and previous, during a rotation) in constant time, then the
 * claim's shape, then its expiry. An expired claim is returned with the refusal so the audit can name it.
 */
export function verifyButtonValue(value: string, keys: readonly string[], nowMs: number): ButtonValueCheck {
  if (keys.length === 0) return { ok: false, code: 'tampered', reason: 'no button signing key is configured' };
  if (value.length > BUTTON_VALUE_MAX) return { ok: false, code: 'malformed', reason: 'button value too long' };
  const parts = value.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) return { ok: false, code: 'malformed', reason: 'not a button value of this remediator' };
  const [, payload, sig] = parts as [string, string, string];
  const given = Buffer.from(sig, 'base64url');
  let valid = false;
  for (const key of keys) {
    const expected = mac(key, payload);
    // Every key is tried, and lengths are compared before timingSafeEqual (which throws on a mismatch).
    if (given.length === expected.length && timingSafeEqual(given, expected)) valid = true;
  }
  if (!valid) return { ok: false, code: 'tampered', reason: 'the button value signature does not match' };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, code: 'malformed', reason: 'the button value does not decode' };
  }
  const claim = ButtonClaim.safeParse(json);
  if (!claim.success) return { ok: false, code: 'malformed', reason: 'the button value has an unknown shape' };
  if (claim.data.exp * 1000 < nowMs) {
    return { ok: false, code: 'expired', reason: `the button expired at ${new Date(claim.data.exp * 1000).toISOString()}`, claim: claim.data };
  }
  return { ok: true, claim: claim.data };
}
