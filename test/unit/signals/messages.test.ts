import { describe, expect, it } from 'vitest';
import { cloneJson } from '../../../src/domain/json.js';
import { normalize } from '../../../src/signals/normalize.js';
import { buildRequeueMessage, RequeueMessage } from '../../../src/signals/requeue-message.js';
import { buildSweepMessage, SweepMessage } from '../../../src/signals/sweep-message.js';
import { ctx, fixture } from './fixture.js';
import { rejection } from './reject.js';

const ref = { cluster: 'prod-eks-euw1', namespace: 'argo', name: 'etl-7xk2p', uid: '9b2f6a1e-8c3d-4e5f-a6b7-c8d9e0f1a2b3', resourceVersion: '48213377' };

describe('sweep message', () => {
  it('round-trips through its builder and the queue', () => {
    const message = buildSweepMessage(ref);
    expect(message).toEqual({ kind: 'afr.sweep/v1', ...ref });
    expect(SweepMessage.parse(message)).toEqual(message);
    expect(normalize(cloneJson(message), ctx)).toEqual({ signals: [{ ...ref, source: 'sweep' }], ignored: [] });
    expect(normalize(fixture('sweep-message.json'), ctx).signals).toEqual([{ ...ref, source: 'sweep' }]);
  });

  it('leaves out a blank uid or resourceVersion and refuses an invalid reference', () => {
    expect(buildSweepMessage({ ...ref, uid: '', resourceVersion: undefined })).toEqual({
      kind: 'afr.sweep/v1',
      cluster: 'prod-eks-euw1',
      namespace: 'argo',
      name: 'etl-7xk2p',
    });
    expect(rejection(() => buildSweepMessage({ ...ref, name: 'Etl' })).reason).toBe('sweep message: name: name must be a DNS-1123 subdomain');
    const { cluster: _cluster, ...noCluster } = buildSweepMessage(ref);
    expect(rejection(() => normalize(noCluster, ctx)).reason).toMatch(/^afr\.sweep\/v1: cluster: /);
  });
});

describe('requeue message', () => {
  const signal = { ...ref, source: 'eventbridge' as const, reason: 'ArtifactGCFailed' };

  it('counts hops and comes back as a requeue signal', () => {
    const first = buildRequeueMessage(signal);
    expect(first).toEqual({ kind: 'afr.requeue/v1', ...ref, reason: 'ArtifactGCFailed', attempt: 1 });
    expect(RequeueMessage.parse(first)).toEqual(first);
    const [again] = normalize(cloneJson(first), ctx).signals;
    expect(again).toEqual({ ...ref, reason: 'ArtifactGCFailed', source: 'requeue', attempt: 1 });
    expect(buildRequeueMessage(again!).attempt).toBe(2);
    expect(buildRequeueMessage(signal, 7).attempt).toBe(7);
  });

  it('accepts the signal fields spread in (source included) and refuses out-of-range attempts', () => {
    const spread = { kind: 'afr.requeue/v1', ...signal, attempt: 3 };
    expect(normalize(spread, ctx).signals).toEqual([{ ...ref, reason: 'ArtifactGCFailed', source: 'requeue', attempt: 3 }]);
    expect(rejection(() => normalize({ ...spread, attempt: 0 }, ctx)).reason).toMatch(/^afr\.requeue\/v1: attempt: /);
    expect(rejection(() => buildRequeueMessage(signal, 1001)).reason).toMatch(/^requeue message: attempt: /);
  });

  it('rejects a message kind from another build', () => {
    expect(rejection(() => normalize({ ...buildSweepMessage(ref), kind: 'afr.sweep/v2' }, ctx)).reason).toBe(
      'unsupported message kind "afr.sweep/v2" (this build reads afr.sweep/v1, afr.requeue/v1 and afr.forwarded/v1)',
    );
  });
});

describe('forwarded message (what ingest enqueues)', () => {
  it('round-trips a signal with its source and reason', async () => {
    const { buildForwardedMessage } = await import('../../../src/signals/forwarded-message.js');
    const { normalize } = await import('../../../src/signals/normalize.js');
    const signal = { cluster: 'prod', namespace: 'argo', name: 'wf-1', uid: 'u1', source: 'argo-events' as const, reason: 'UPDATE', attempt: 3 };
    const message = buildForwardedMessage(signal);
    expect(message).toEqual({ kind: 'afr.forwarded/v1', cluster: 'prod', namespace: 'argo', name: 'wf-1', uid: 'u1', source: 'argo-events', reason: 'UPDATE' });
    expect(normalize(cloneJson(message), { defaultCluster: 'x' }).signals).toEqual([{ cluster: 'prod', namespace: 'argo', name: 'wf-1', uid: 'u1', source: 'argo-events', reason: 'UPDATE' }]);
    expect(() => buildForwardedMessage({ ...signal, name: 'Not Valid' })).toThrow(/DNS-1123/);
  });
});
