// interact's signed-HTTP transport (src/aws-http) on the real protocols: moto_server for S3, SQS and SSM, its
// proxy for the failures moto never produces (5xx, a chosen 4xx, an answer that never comes), and a loopback
// server written here for what moto does not check at all: the signature and the access key (moto accepts any).
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { putJsonOnce } from '../../../src/audit/s3-conditional.js';
import { AWS_MAX_ATTEMPTS } from '../../../src/aws/client-options.js';
import { SignedS3Objects } from '../../../src/aws-http/s3.js';
import { AwsRequestError } from '../../../src/aws-http/signed-request.js';
import { signedSendMessageBatch } from '../../../src/aws-http/sqs.js';
import { signedGetParameter } from '../../../src/aws-http/ssm.js';
import { parameterReader } from '../../../src/config/load.js';
import { EnqueueError } from '../../../src/queue/signal-queue.js';
import { SqsSignalQueue } from '../../../src/queue/sqs-queue.js';
import { withMoto } from '../../helpers/moto.js';

const fx = withMoto();
const BUCKET = 'afr-signed-http';
const waits: number[] = [];
const noSleep = async (ms: number) => void waits.push(ms);
let s3: S3Client;
let sqs: SQSClient;
let ssm: SSMClient;

const opts = (over: { timeoutMs?: number; attempts?: number; env?: NodeJS.ProcessEnv } = {}) => ({ env: { ...fx.moto.env }, sleep: noSleep, ...over });

beforeEach(async () => {
  await fx.moto.reset();
  s3 = new S3Client(fx.moto.clientConfig);
  sqs = new SQSClient(fx.moto.clientConfig);
  ssm = new SSMClient(fx.moto.clientConfig);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  fx.moto.calls.length = 0;
  waits.length = 0;
});

describe('the calls interact makes, on moto_server', () => {
  it('reads a SecureString parameter decrypted; a missing one is one call and a ConfigError naming it', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/afr/t/secret', Type: 'SecureString', Value: 'current\nprevious' }));
    const read = parameterReader(signedGetParameter(opts()));
    expect(await read('/afr/t/secret')).toBe('current\nprevious');
    expect(JSON.parse(fx.moto.callsTo('AmazonSSM.GetParameter')[0]!.body)).toEqual({ Name: '/afr/t/secret', WithDecryption: true });
    fx.moto.calls.length = 0;
    await expect(read('/afr/t/nope')).rejects.toThrow('cannot read SSM parameter /afr/t/nope (ParameterNotFound)');
    expect(fx.moto.callsTo('AmazonSSM.GetParameter')).toHaveLength(1);
  });

  it('writes once with If-None-Match (412 = duplicate), reads back, lists a prefix and finds no missing key', async () => {
    const objects = new SignedS3Objects(opts());
    const key = 'approvals/cluster=prod eu/data/a+b(1)/ü/by/U1.json';
    expect(await putJsonOnce(objects, { bucket: BUCKET, key, body: '{"a":1}' })).toBe('written');
    expect(await putJsonOnce(objects, { bucket: BUCKET, key, body: '{"a":2}' })).toBe('duplicate');
    const put = fx.moto.callsTo('S3.PUT')[0]!;
    expect(put.headers).toMatchObject({ 'if-none-match': '*', 'content-type': 'application/json', 'x-amz-server-side-encryption': 'AES256' });
    const viaSdk = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await viaSdk.Body!.transformToString()).toBe('{"a":1}');
    expect(await objects.getText(BUCKET, key)).toBe('{"a":1}');
    expect(await objects.getText(BUCKET, 'approvals/none.json')).toBeUndefined();
    await putJsonOnce(objects, { bucket: BUCKET, key: 'approvals/cluster=prod eu/data/other.json', body: '{}' });
    await putJsonOnce(objects, { bucket: BUCKET, key: 'audit/x.json', body: '{}' });
    expect((await objects.listKeys(BUCKET, 'approvals/cluster=prod eu/data/')).keys.sort()).toEqual(['approvals/cluster=prod eu/data/a+b(1)/ü/by/U1.json', 'approvals/cluster=prod eu/data/other.json']);
  });

  it('enqueues through the signals queue seam; an entry SQS fails is retried alone', async () => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'signals' }))).QueueUrl!;
    fx.moto.faults.push({ operation: 'AmazonSQS.SendMessageBatch', times: 1, failEntries: { pick: (e) => e['MessageBody'] === 'b', code: 'InternalError', message: 'try again' } });
    await new SqsSignalQueue(url, { sendBatch: signedSendMessageBatch(opts()), sleep: noSleep }).send([{ body: 'a' }, { body: 'b', delaySeconds: 0 }]);
    const sent = fx.moto.callsTo('AmazonSQS.SendMessageBatch').map((c) => (JSON.parse(c.body) as { Entries: { MessageBody: string }[] }).Entries.map((e) => e.MessageBody));
    expect(sent).toEqual([['a', 'b'], ['b']]);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    expect((got.Messages ?? []).map((m) => m.Body).sort()).toEqual(['a', 'b']);
  });

  it('a sender fault on an entry is reported at once, not retried', async () => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'signals' }))).QueueUrl!;
    fx.moto.faults.push({ operation: 'AmazonSQS.SendMessageBatch', failEntries: { pick: () => true, code: 'InvalidParameterValue', message: 'bad', senderFault: true } });
    const err = await new SqsSignalQueue(url, { sendBatch: signedSendMessageBatch(opts()), sleep: noSleep }).send([{ body: 'a' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnqueueError);
    expect(fx.moto.callsTo('AmazonSQS.SendMessageBatch')).toHaveLength(1);
  });
});

describe('failures, the way AWS fails', () => {
  it('a 5xx, then success, is retried with a jittered, bounded wait, and the write lands once', async () => {
    fx.moto.faults.push({ operation: 'S3.PUT', path: new RegExp(`^/${BUCKET}/`), times: 1, error: { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' } });
    expect(await putJsonOnce(new SignedS3Objects(opts()), { bucket: BUCKET, key: 'audit/r.json', body: '{}' })).toBe('written');
    expect(fx.moto.callsTo('S3.PUT').map((c) => c.status)).toEqual([503, 200]);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(0);
    expect(waits[0]).toBeLessThan(500);
  });

  it('500s on every attempt end in an error naming the service, the code and the attempts', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/afr/t/p', Type: 'SecureString', Value: 'v' }));
    fx.moto.faults.push({ operation: 'AmazonSSM.GetParameter', error: { status: 500, code: 'InternalServerError', message: 'boom' } });
    const err = (await signedGetParameter(opts())('/afr/t/p').catch((e: unknown) => e)) as AwsRequestError;
    expect(err).toBeInstanceOf(AwsRequestError);
    expect(err.name).toBe('InternalServerError');
    expect(err.message).toBe(`SSM GetParameter failed: 500 InternalServerError: boom (after ${AWS_MAX_ATTEMPTS} attempts)`);
    expect(fx.moto.callsTo('AmazonSSM.GetParameter')).toHaveLength(AWS_MAX_ATTEMPTS);
  });

  it("a key with a '.' or '..' segment is refused before anything is sent (a URL would fold it into another key)", async () => {
    const objects = new SignedS3Objects(opts());
    for (const Key of ['approvals/../audit/x.json', './x.json', 'a/./b']) {
      await expect(objects.put({ Bucket: BUCKET, Key, Body: '{}' })).rejects.toThrow("has a '.' or '..' segment");
    }
    expect(fx.moto.calls).toEqual([]);
  });

  it('a 4xx is final: one call, the AWS code as the error name', async () => {
    fx.moto.faults.push({ operation: 'AmazonSSM.GetParameter', error: { status: 400, code: 'ValidationException', message: 'bad name' } });
    const err = (await signedGetParameter(opts())('/afr/t/p').catch((e: unknown) => e)) as AwsRequestError;
    expect(err.name).toBe('ValidationException');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(fx.moto.callsTo('AmazonSSM.GetParameter')).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("S3's 409 conflict is left to the write-once rule, which retries it; the transport does not", async () => {
    fx.moto.faults.push({ operation: 'S3.PUT', path: new RegExp(`^/${BUCKET}/`), times: 1, error: { status: 409, code: 'ConditionalRequestConflict', message: 'conflict' } });
    const conflictRetry = { attempts: 4, backoff: { baseMs: 1, capMs: 1 }, sleep: noSleep };
    expect(await putJsonOnce(new SignedS3Objects(opts()), { bucket: BUCKET, key: 'audit/c.json', body: '{}' }, conflictRetry)).toBe('written');
    expect(fx.moto.callsTo('S3.PUT').map((c) => c.status)).toEqual([409, 200]);
  });

  it('throttling is retried', async () => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'signals' }))).QueueUrl!;
    fx.moto.faults.push({ operation: 'AmazonSQS.SendMessageBatch', times: 1, error: { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' } });
    await new SqsSignalQueue(url, { sendBatch: signedSendMessageBatch(opts()), sleep: noSleep }).send([{ body: 'a' }]);
    expect(fx.moto.callsTo('AmazonSQS.SendMessageBatch').map((c) => c.status)).toEqual([400, 200]);
  });

  it('an answer that never comes fails clearly after the attempts, each cut at the timeout', async () => {
    fx.moto.faults.push({ operation: 'AmazonSSM.GetParameter', hang: true });
    const started = Date.now();
    const err = (await signedGetParameter(opts({ timeoutMs: 300, attempts: 2 }))('/afr/t/p').catch((e: unknown) => e)) as AwsRequestError;
    expect(err.name).toBe('TimeoutError');
    expect(err.message).toBe('SSM GetParameter: no answer within 300 ms (after 2 attempts)');
    expect(fx.moto.callsTo('AmazonSSM.GetParameter')).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('nothing listening is a networking error naming the endpoint, retried then thrown', async () => {
    // A port that was free a moment ago: bound, then released.
    const closed = await new Promise<number>((resolve) => {
      const srv = createNetServer().listen(0, '127.0.0.1', () => {
        const port = (srv.address() as { port: number }).port;
        srv.close(() => resolve(port));
      });
    });
    const err = (await signedGetParameter(opts({ env: { ...fx.moto.env, AWS_ENDPOINT_URL: `http://127.0.0.1:${closed}` } }))('/p').catch((e: unknown) => e)) as AwsRequestError;
    expect(err.name).toBe('NetworkingError');
    expect(err.message).toBe(`SSM GetParameter: could not reach http://127.0.0.1:${closed} (ECONNREFUSED) (after ${AWS_MAX_ATTEMPTS} attempts)`);
  });

  it('without credentials in the environment nothing is sent, and the error says what is missing', async () => {
    const env = { ...fx.moto.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' };
    await expect(signedGetParameter(opts({ env }))('/p')).rejects.toThrow('no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
    expect(fx.moto.calls).toHaveLength(0);
  });
});

// moto accepts any signature. This server checks it as AWS does: it re-derives the SigV4 signature from the
// request as received (method, raw path, decoded query, the signed headers' values, the body) with the secret
// it knows for the access key, and answers an unknown key or a wrong signature with AWS's own error documents.
describe('credentials, checked by a loopback server that verifies SigV4', () => {
  const KNOWN = { accessKeyId: 'AKIAKNOWNKEY0000', secretAccessKey: 'the-right-secret-key-0123456789' };
  const SESSION_TOKEN = 'session-token';
  let server: Server;
  let endpoint = '';
  const seen: { path: string; verdict: string }[] = [];

  async function verify(req: IncomingMessage, body: string): Promise<'ok' | 'unknown-key' | 'bad-signature'> {
    const auth = req.headers['authorization'] ?? '';
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m || m[1] !== KNOWN.accessKeyId) return 'unknown-key';
    const [, , , region, service, signedHeaders] = m;
    const url = new URL(req.url!, 'http://x');
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const headers: Record<string, string> = {};
    for (const h of signedHeaders!.split(';')) headers[h] = String(req.headers[h] ?? '');
    const signer = new SignatureV4({ service: service!, region: region!, credentials: KNOWN, sha256: Hash.bind(null, 'sha256'), uriEscapePath: service !== 's3', applyChecksum: service === 's3' });
    const amzDate = String(req.headers['x-amz-date']);
    const date = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
    // Re-signing trusts what the client says it signed; these two it must say, and say truly: the session token
    // (a role's credentials are refused without it) and, for S3, the body's own hash.
    if (!signedHeaders!.split(';').includes('x-amz-security-token') || headers['x-amz-security-token'] !== SESSION_TOKEN) return 'bad-signature';
    if (service === 's3' && headers['x-amz-content-sha256'] !== createHash('sha256').update(body).digest('hex')) return 'bad-signature';
    const signed = await signer.sign({ method: req.method!, protocol: 'http:', hostname: '127.0.0.1', path: url.pathname, query, headers, body }, { signingDate: date, signableHeaders: new Set(signedHeaders!.split(';')) });
    return signed.headers['authorization'] === auth ? 'ok' : 'bad-signature';
  }

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        void verify(req, body).then((verdict) => {
          seen.push({ path: req.url!, verdict });
          const json = !!req.headers['x-amz-target'];
          if (verdict === 'ok' && body.includes('/answers-html')) {
            // A 2xx whose body is not JSON (a proxy's page): its text must not reach any error.
            res.writeHead(200, { 'content-type': 'text/html' });
            res.end('<html>xoxb-0000-not-json</html>');
          } else if (verdict === 'ok') {
            res.writeHead(200, { 'content-type': json ? 'application/x-amz-json-1.1' : 'application/xml' });
            res.end(json ? JSON.stringify({ Parameter: { Name: '/p', Value: 'ok-value' } }) : '');
          } else if (json) {
            const code = verdict === 'unknown-key' ? 'UnrecognizedClientException' : 'InvalidSignatureException';
            const message = verdict === 'unknown-key' ? 'The security token included in the request is invalid.' : 'The request signature we calculated does not match the signature you provided.';
            res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
            res.end(JSON.stringify({ __type: code, message }));
          } else {
            const code = verdict === 'unknown-key' ? 'InvalidAccessKeyId' : 'SignatureDoesNotMatch';
            res.writeHead(403, { 'content-type': 'application/xml' });
            res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>The AWS Access Key Id you provided does not exist in our records.</Message></Error>`);
          }
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    endpoint = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const env = (creds: { accessKeyId: string; secretAccessKey: string }) => ({ AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey, AWS_SESSION_TOKEN: SESSION_TOKEN });

  it('the right credentials verify, for a JSON call and for an S3 key that needs encoding', async () => {
    expect(await signedGetParameter({ env: env(KNOWN) })('/p')).toBe('ok-value');
    await new SignedS3Objects({ env: env(KNOWN) }).put({ Bucket: 'b', Key: 'approvals/cluster=prod eu/a+b(1)*/ü.json', Body: '{}', IfNoneMatch: '*' });
    await new SignedS3Objects({ env: env(KNOWN) }).listKeys('b', 'approvals/cluster=prod eu/', 'token/with=chars');
    expect(seen.slice(-3).map((s) => s.verdict)).toEqual(['ok', 'ok', 'ok']);
  });

  it('without the session token, or with a body that is not the one hashed, the signature is refused', async () => {
    const { AWS_SESSION_TOKEN: _, ...noToken } = env(KNOWN);
    await expect(signedGetParameter({ env: noToken })('/p')).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    await expect(signedGetParameter({ env: { ...env(KNOWN), AWS_SESSION_TOKEN: 'another-token' } })('/p')).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    expect(seen.slice(-2).map((s) => s.verdict)).toEqual(['bad-signature', 'bad-signature']);
  });

  it('a 2xx answer that is not JSON fails without quoting it (a decrypted parameter would be a secret)', async () => {
    const err = (await signedGetParameter({ env: env(KNOWN) })('/answers-html').catch((e: unknown) => e)) as AwsRequestError;
    expect(err).toBeInstanceOf(AwsRequestError);
    expect(err.name).toBe('InvalidAnswer');
    expect(err.message).toMatch(/^SSM GetParameter: the answer \(HTTP 200, \d+ bytes\) is not JSON$/);
    const read = parameterReader(signedGetParameter({ env: env(KNOWN) }));
    const configErr = (await read('/answers-html').catch((e: unknown) => e)) as Error;
    expect(configErr.message).toBe('cannot read SSM parameter /answers-html (InvalidAnswer)');
    expect(JSON.stringify(configErr, Object.getOwnPropertyNames(configErr)) + String(configErr.cause)).not.toContain('xoxb');
  });

  it('a wrong secret is refused once, with an error that says the credentials were refused', async () => {
    const err = (await signedGetParameter({ env: env({ ...KNOWN, secretAccessKey: 'wrong' }) })('/p').catch((e: unknown) => e)) as AwsRequestError;
    expect(err.name).toBe('InvalidSignatureException');
    const s3err = (await new SignedS3Objects({ env: env({ ...KNOWN, secretAccessKey: 'wrong' }) }).put({ Bucket: 'b', Key: 'k', Body: '' }).catch((e: unknown) => e)) as AwsRequestError;
    expect(s3err.message).toMatch(/^S3 PutObject: AWS refused the request's credentials \(403 SignatureDoesNotMatch\); check the role credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN/);
    expect(seen.slice(-2).map((s) => s.verdict)).toEqual(['bad-signature', 'bad-signature']);
  });

  it('an unknown access key is refused once, and the parameter reader names the parameter and the code', async () => {
    const before = seen.length;
    const read = parameterReader(signedGetParameter({ env: env({ accessKeyId: 'AKIAUNKNOWN00000', secretAccessKey: 'x' }) }));
    await expect(read('/afr/slack-signing-secret')).rejects.toThrow('cannot read SSM parameter /afr/slack-signing-secret (UnrecognizedClientException)');
    expect(seen.length - before).toBe(1);
  });
});
