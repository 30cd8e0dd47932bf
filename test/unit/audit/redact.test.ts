import { afterEach, describe, expect, it } from 'vitest';
import { REDACTED, clearRegisteredSecrets, redact, redactString, redactText, registerSecret, redactingJsonReplacer } from '../../../src/observability/redact.js';

afterEach(() => clearRegisteredSecrets());

describe('redactString', () => {
  it.each([
    ['Slack webhook', 'posting to https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx failed', 'abcdefghijklmnopqrstuvwx'],
    ['webhook path on another host', 'proxy http://10.0.0.7:8080/services/T0123ABCD/B0456EFGH/QwErTyUiOp123 down', 'QwErTyUiOp123'],
    ['Slack webhook without scheme', 'url=hooks.slack.com/services/T0123ABCD/B0456EFGH/zyxwvutsrq', 'zyxwvutsrq'],
    ['bearer token', 'Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzYSJ9.sig-nat_ure', 'eyJhbGciOiJSUzI1NiJ9'],
    ['EKS token', 'token k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtZWFzdC0xLmFtYXpvbmF3cy5jb20v rejected', 'aHR0cHM6Ly9zdHMudXMtZWFzdC0xLmFtYXpvbmF3cy5jb20v'],
    ['AWS secret key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['bare AWS secret-looking key', 'key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY end', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['AWS access key id', 'AKIAIOSFODNN7EXAMPLE used', 'AKIAIOSFODNN7EXAMPLE'],
    ['Slack bot token', 'xoxb-123456789012-abcdefABCDEF', 'abcdefABCDEF'],
    ['presigned URL signature', 'https://sts.amazonaws.com/?X-Amz-Signature=deadbeefcafe&X-Amz-Security-Token=FwoGZXIvYXdzEJr', 'deadbeefcafe'],
  ])('removes a %s', (_, input, secret) => {
    const out = redactString(input);
    expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  it('leaves digests, uids, decision ids and git SHAs alone', () => {
    const safe = [
      'a3f1c0d29e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29',
      '0f6c2a9b-51e4-4b3e-9d1a-7c2f9e8b4d21',
      '1c8b6a2f4e0d9b7a5c3e1f0a2b4d6c8e',
      'f016ad89eb269d282aec06dc491c29f396a38df4',
      's3://data-artifacts/etl/0f6c2a9b-51e4-4b3e-9d1a-7c2f9e8b4d21/report.csv',
      // 40 characters of words and a slash, as finishing's reasons name a status field: text, not a key.
      'strategiesProcessed/OnWorkflowCompletion',
    ].join(' ');
    expect(redactString(safe)).toBe(safe);
  });

  it('removes a registered secret of any shape, e.g. a loopback webhook URL', () => {
    registerSecret('http://127.0.0.1:4567/services/T0/B0/s3cr3t');
    expect(redactString('POST http://127.0.0.1:4567/services/T0/B0/s3cr3t -> 500')).toBe(`POST ${REDACTED} -> 500`);
  });
});

describe('redact (deep)', () => {
  it('scrubs nested strings and secret-named keys, keeps shared references, cuts cycles', () => {
    const shared = ['Bearer abc.def.ghi'];
    const input: Record<string, unknown> = { a: shared, b: shared, nested: { token: 'plain', webhookUrl: 'x', n: 3, ok: true } };
    input.self = input;
    const out = redact(input) as Record<string, unknown>;
    expect(out.a).toEqual([`Bearer ${REDACTED}`]);
    expect(out.b).toEqual([`Bearer ${REDACTED}`]);
    expect(out.nested).toEqual({ token: REDACTED, webhookUrl: REDACTED, n: 3, ok: true });
    expect(out.self).toBe('[Circular]');
    expect(input.a).toBe(shared);
    expect(shared[0]).toBe('Bearer abc.def.ghi');
  });

  it('scrubs error messages and stacks', () => {
    const e = redact(new Error('failed with Bearer zzz.yyy.xxx')) as Error;
    expect(e.message).toBe(`failed with Bearer ${REDACTED}`);
    expect(e.stack).not.toContain('zzz.yyy.xxx');
  });

  it('works as a JSON.stringify replacer', () => {
    const json = JSON.stringify({ msg: 'hooks.slack.com/services/T1/B2/c3d4e5f6g7', authorization: 'Basic dXNlcjpwYXNz' }, redactingJsonReplacer);
    expect(json).not.toContain('c3d4e5f6g7');
    expect(json).not.toContain('dXNlcjpwYXNz');
  });
});

describe('redaction by key', () => {
  const secrets = ['plain-tok-9f8e7d', 'hunter2hunter2', 'shh-its-a-secret', 'sig-0a1b2c3d', 'key-5e6f7a8b', 'whk-1234abcd', 'Basic-ish-cred'];

  it('replaces values under secret-named keys at any depth, whatever the case or separator', () => {
    const input = {
      token: secrets[0],
      Password: secrets[1],
      nested: { clientSecret: secrets[2], deeper: [{ 'X-Hub-Signature': secrets[3] }, { api_key: secrets[4], apiKey: 7 }] },
      slackWebhook: { url: secrets[5] },
      credentials: [secrets[6]],
      signatureValid: false,
      name: 'etl-run-q8h2d',
    };
    const out = redact(input);
    const text = JSON.stringify(out);
    for (const s of secrets) expect(text).not.toContain(s);
    expect(out).toMatchObject({ name: 'etl-run-q8h2d', signatureValid: false, slackWebhook: { url: REDACTED }, nested: { deeper: [{}, { apiKey: REDACTED }] } });
  });

  it.each([
    ['JSON', `{"kind":"Pod","token":"${secrets[0]}","password": "${secrets[1]}"}`],
    ['JSON inside a JSON string', JSON.stringify({ Message: JSON.stringify({ clientSecret: secrets[2], apiKey: secrets[4] }) })],
    ['JSON cut before the closing quote', `{"kind":"Pod","authorization":"${secrets[6]}`],
    ['a query string', `https://example.com/hook?signature=${secrets[3]}&x=1`],
    ['headers', `X-Api-Key: ${secrets[4]}\nCookie: ${secrets[5]}`],
    ['single quotes', `{'webhook_url': '${secrets[5]}'}`],
  ])('removes values after secret-named keys in text: %s', (_label, text) => {
    const out = redactString(text);
    for (const s of secrets) expect(out).not.toContain(s);
    expect(out).toContain(REDACTED);
  });

  it('keeps the text around them, and booleans', () => {
    expect(redactString('{"kind":"Pod","token":"abc123456","n":1}')).toBe(`{"kind":"Pod","token":"${REDACTED}","n":1}`);
    expect(redactString('signatureValid=false; tokens: 3')).toBe(`signatureValid=false; tokens: ${REDACTED}`);
    expect(redactString('phase Succeeded, 0 pending artifacts, finished 3h ago')).toBe('phase Succeeded, 0 pending artifacts, finished 3h ago');
  });

  it('redactText redacts JSON as data, nested objects under a secret key included', () => {
    const out = redactText(JSON.stringify({ kind: 'Pod', auth: { token: { value: secrets[0] } }, password: { v: [secrets[1]] } }));
    expect(out).not.toContain(secrets[0]);
    expect(out).not.toContain(secrets[1]);
    expect(JSON.parse(out)).toEqual({ kind: 'Pod', auth: { token: { value: REDACTED } }, password: { v: [REDACTED] } });
    expect(redactText(`not json, token=${secrets[0]}`)).toBe(`not json, token=${REDACTED}`);
  });
});
