import { ApiException, FetchError } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  classify,
  KubeForbiddenError,
  type KubeOp,
  parseForbidden,
  toKubeError,
} from '../../../src/kube/errors.js';

const status = (code: number, reason: string, message: string) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });

// client-node 1.x builds ApiException exactly like this: raw body text, plain header object.
const apiError = (code: number, body: string, headers: Record<string, string> = {}) =>
  new ApiException(code, `HTTP-Code: ${code}\nMessage: Unknown API Status Code!\nBody: ${body}\nHeaders: {}`, body, headers);

const patchOp: KubeOp = { verb: 'patch', resource: 'workflows.argoproj.io', namespace: 'argo', name: 'wf-1' };

describe('classify', () => {
  it.each([
    [404, 'NotFound', 'not-found'],
    [409, 'Conflict', 'conflict'],
    [422, 'Invalid', 'conflict'],
    [403, 'Forbidden', 'forbidden'],
    [401, 'Unauthorized', 'unauthorized'],
    [410, 'Expired', 'expired'],
    [429, 'TooManyRequests', 'throttled'],
    [500, 'InternalError', 'server-error'],
    [503, 'ServiceUnavailable', 'server-error'],
    [400, 'BadRequest', 'rejected'],
  ])('maps HTTP %i to %s', (code, reason, kind) => {
    const failure = classify(apiError(code, status(code, reason, 'boom')));
    expect(failure).toMatchObject({ kind, status: code, reason, message: 'boom' });
  });

  it('reads Retry-After in seconds on 429 and 503', () => {
    expect(classify(apiError(429, status(429, 'TooManyRequests', 'slow down'), { 'retry-after': '3' }))?.retryAfterMs).toBe(3000);
    expect(classify(apiError(503, 'upstream down', { 'Retry-After': '1' }))?.retryAfterMs).toBe(1000);
  });

  it('keeps a bounded excerpt of a non-JSON error body', () => {
    const failure = classify(apiError(502, `<html>${'x'.repeat(1000)}</html>`));
    expect(failure?.kind).toBe('server-error');
    expect(failure?.message.length).toBeLessThanOrEqual(200);
  });

  it('classifies node-fetch transport errors and aborts', () => {
    const refused = new FetchError('request to https://127.0.0.1:1/apis failed, reason: connect ECONNREFUSED 127.0.0.1:1', 'system', {
      code: 'ECONNREFUSED',
    } as NodeJS.ErrnoException);
    expect(classify(refused)).toMatchObject({ kind: 'transport', code: 'ECONNREFUSED', message: 'cluster unreachable: connect ECONNREFUSED 127.0.0.1:1' });
    const abort = Object.assign(new Error('The user aborted a request.'), { name: 'AbortError', type: 'aborted' });
    expect(classify(abort)?.kind).toBe('timeout');
  });

  it('treats TLS verification and plain-http refusals as configuration errors, not retryable', () => {
    const tls = new FetchError('request failed, reason: self-signed certificate', 'system', {
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    } as NodeJS.ErrnoException);
    expect(classify(tls)?.kind).toBe('config');
    expect(classify(new Error('HTTP protocol is not allowed when skipTLSVerify is not set or false'))?.kind).toBe('config');
  });

  it('leaves programming errors alone so they surface', () => {
    expect(classify(new TypeError('x is undefined'))).toBeUndefined();
    expect(classify('a string')).toBeUndefined();
  });
});

describe('403 names the missing permission', () => {
  it('parses namespaced, core-group and cluster-scope denials', () => {
    expect(
      parseForbidden(
        'workflows.argoproj.io "wf-1" is forbidden: User "system:serviceaccount:ops:afr" cannot patch resource "workflows" in API group "argoproj.io" in the namespace "argo"',
      ),
    ).toEqual({ verb: 'patch', resource: 'workflows.argoproj.io', namespace: 'argo', user: 'system:serviceaccount:ops:afr' });
    expect(parseForbidden('pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "data"')).toMatchObject({
      verb: 'list',
      resource: 'pods',
      namespace: 'data',
    });
    expect(
      parseForbidden('workflows.argoproj.io is forbidden: User "u" cannot list resource "workflows" in API group "argoproj.io" at the cluster scope'),
    ).toMatchObject({ verb: 'list', resource: 'workflows.argoproj.io', namespace: undefined });
  });

  it('builds a non-retryable KubeForbiddenError whose message names verb, resource and namespace', () => {
    const failure = classify(
      apiError(
        403,
        status(403, 'Forbidden', 'workflows.argoproj.io "wf-1" is forbidden: User "afr" cannot patch resource "workflows" in API group "argoproj.io" in the namespace "argo"'),
      ),
    )!;
    const err = toKubeError(failure, patchOp);
    expect(err).toBeInstanceOf(KubeForbiddenError);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/cannot patch workflows\.argoproj\.io in namespace "argo"/);
    expect((err as KubeForbiddenError).verb).toBe('patch');
  });

  it('falls back to the request it was making when the message is not the usual one', () => {
    const err = toKubeError({ kind: 'forbidden', status: 403, message: 'denied by webhook' }, patchOp) as KubeForbiddenError;
    expect(err.message).toMatch(/cannot patch workflows\.argoproj\.io in namespace "argo"/);
    expect(err.statusMessage).toBe('denied by webhook');
  });
});
