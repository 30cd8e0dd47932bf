import { describe, expect, it } from 'vitest';
import { normalize } from '../../../src/signals/normalize.js';
import { ctx, fixture } from './fixture.js';
import { rejection } from './reject.js';

type ResourceEvent = Record<string, unknown> & { body: Record<string, unknown> & { metadata: Record<string, unknown> } };
const update = () => fixture('argo-events-resource-update.json') as ResourceEvent;
const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

const added = {
  cluster: 'fallback-cluster',
  namespace: 'argo',
  name: 'etl-7xk2p',
  uid: '9b2f6a1e-8c3d-4e5f-a6b7-c8d9e0f1a2b3',
  resourceVersion: '48213377',
  source: 'argo-events',
  reason: 'ADD',
};

describe('Argo Events', () => {
  it('yields the Workflow of a resource UPDATE (terminating), cluster from the EventSource metadata', () => {
    expect(normalize(update(), ctx)).toEqual({
      signals: [
        {
          cluster: 'prod-eks-euw1',
          namespace: 'argo',
          name: 'etl-7xk2p',
          uid: '9b2f6a1e-8c3d-4e5f-a6b7-c8d9e0f1a2b3',
          resourceVersion: '48213377',
          source: 'argo-events',
          reason: 'UPDATE',
        },
      ],
      ignored: [],
    });
  });

  it.each(['argo-events-whole-event-base64.json', 'argo-events-cloudevent-base64.json'])('decodes the base64 data of %s', (name) => {
    expect(normalize(fixture(name), ctx)).toEqual({ signals: [added], ignored: [] });
  });

  it('takes whole-event data as an object, as JSON text, or as data_base64', () => {
    const whole = fixture('argo-events-whole-event-base64.json') as { context: unknown; data: string };
    const data = JSON.parse(Buffer.from(whole.data, 'base64').toString('utf8')) as unknown;
    expect(normalize({ ...whole, data }, ctx).signals).toEqual([added]);
    expect(normalize({ ...whole, data: JSON.stringify(data) }, ctx).signals).toEqual([added]);
    const flat = { specversion: '1.0', type: 'resource', source: 'argo-wf-finalizers', subject: 'wf-deleting', data_base64: whole.data };
    expect(normalize(flat, ctx).signals).toEqual([added]);
  });

  it('yields a signal for DELETE too (the evaluation finds it gone), and reads a body sent as JSON text', () => {
    expect(normalize({ ...update(), type: 'DELETE' }, ctx).signals[0]?.reason).toBe('DELETE');
    const event = update();
    expect(normalize({ ...event, body: JSON.stringify(event.body) }, ctx)).toEqual(normalize(event, ctx));
  });

  it('accepts a projected body (metadata only) when the EventSource watches argoproj.io workflows', () => {
    const event = update();
    const projected = { ...event, body: { metadata: event.body.metadata } };
    expect(normalize(projected, ctx)).toEqual(normalize(event, ctx));
    expect(normalize({ ...projected, group: '', version: 'v1', resource: 'pods' }, ctx).ignored).toEqual([
      { reason: 'Argo Events resource is core/pods, not argoproj.io/workflows' },
    ]);
  });

  it('ignores other kinds in the body', () => {
    const event = update();
    event.body['kind'] = 'WorkflowTemplate';
    expect(normalize(event, ctx).ignored).toEqual([{ reason: 'Argo Events body is argoproj.io/WorkflowTemplate, not a Workflow' }]);
    event.body['kind'] = 'Workflow';
    event.body['apiVersion'] = 'workflows.example.com/v1';
    expect(normalize(event, ctx).ignored).toEqual([{ reason: 'Argo Events body is workflows.example.com/Workflow, not an argoproj.io Workflow' }]);
  });

  it('rejects an invalid name, a missing body, and whole events that carry no resource data', () => {
    expect(rejection(() => normalize(fixture('invalid-name-dotdot.json'), ctx)).reason).toBe(
      'Argo Events body metadata name "../../api/v1/namespaces/kube-system/secrets" is invalid: name must be a DNS-1123 subdomain',
    );
    expect(rejection(() => normalize({ ...update(), body: null }, ctx)).reason).toMatch(/^Argo Events resource event: body: /);
    const calendar = { context: { type: 'calendar', source: 'nightly', specversion: '1.0' }, data: base64({ eventTime: '2026-09-01 10:00:00' }) };
    expect(rejection(() => normalize(calendar, ctx)).reason).toBe(
      'Argo Events event of type "calendar" carries no resource event data (expected data.type ADD, UPDATE or DELETE, and data.body)',
    );
    const garbage = { context: { type: 'resource' }, data: Buffer.from('\u0000\u0001 not json').toString('base64') };
    expect(rejection(() => normalize(garbage, ctx)).reason).toMatch(/^Argo Events event data \(base64-decoded\) is not JSON/);
    expect(rejection(() => normalize({ context: { type: 'resource' }, data: 42 }, ctx)).reason).toBe(
      'Argo Events event data is a JSON number, expected an object or base64 JSON',
    );
  });

  it('does not take a webhook event (header/body, no type) for a resource event', () => {
    expect(rejection(() => normalize({ header: { 'Content-Type': ['application/json'] }, body: { name: 'x' } }, ctx)).reason).toMatch(
      /^payload matches no supported shape/,
    );
  });
});

describe('Argo Events: which body is read as what', () => {
  const wf = update().body;
  const wfRef = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: 'etl-7xk2p', namespace: 'argo', uid: added.uid };
  const resourceEvent = (body: unknown, extra: Record<string, unknown> = {}) => ({ type: 'UPDATE', body, group: 'argoproj.io', version: 'v1alpha1', resource: 'workflows', ...extra });
  const eventMeta = { name: 'etl-7xk2p.1862f0c3a7b4e2d1', namespace: 'argo' };

  it('a body with Obj but no Key is not a DELETE tombstone: it is read as itself, and it has no metadata', () => {
    expect(rejection(() => normalize(resourceEvent({ Obj: wf }), ctx)).reason).toMatch(/^Argo Events resource event body: metadata: /);
  });

  it('a body without metadata is rejected for its missing metadata, not unwrapped as a tombstone', () => {
    expect(rejection(() => normalize(resourceEvent({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow' }), ctx)).reason).toMatch(
      /^Argo Events resource event body: metadata: /,
    );
  });

  it('an object of another kind that carries an involvedObject is that object, not an Event about the Workflow', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: eventMeta, involvedObject: wfRef };
    expect(normalize(resourceEvent(configMap, { group: '', version: 'v1', resource: 'configmaps' }), ctx)).toEqual({
      signals: [],
      ignored: [{ reason: 'Argo Events body is core/ConfigMap, not a Workflow' }],
    });
  });

  it('an Event of another API group is not read through its involvedObject; a core Event without apiVersion is', () => {
    const other = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: eventMeta, involvedObject: wfRef };
    expect(normalize(resourceEvent(other), ctx).ignored).toEqual([{ reason: 'Argo Events body is events.k8s.io/Event, not a Workflow' }]);
    const projected = { kind: 'Event', metadata: eventMeta, involvedObject: wfRef, reason: 'ArtifactGCFailed' };
    expect(normalize(resourceEvent(projected, { group: '', version: 'v1', resource: 'events' }), ctx).signals).toEqual([
      { cluster: 'fallback-cluster', namespace: 'argo', name: 'etl-7xk2p', uid: added.uid, source: 'argo-events', reason: 'ArtifactGCFailed' },
    ]);
  });

  it('a projected body (no kind) yields a signal only when the EventSource watches argoproj.io workflows, both matching', () => {
    const projected = { metadata: wf.metadata };
    expect(normalize(resourceEvent(projected, { resource: 'workflowtemplates' }), ctx).ignored).toEqual([
      { reason: 'Argo Events resource is argoproj.io/workflowtemplates, not argoproj.io/workflows' },
    ]);
    expect(normalize(resourceEvent(projected, { group: 'example.com' }), ctx).ignored).toEqual([
      { reason: 'Argo Events resource is example.com/workflows, not argoproj.io/workflows' },
    ]);
    expect(normalize(resourceEvent(projected), ctx).signals).toHaveLength(1);
  });

  it("a Workflow body without apiVersion takes its group from the EventSource's group and version", () => {
    const body = { kind: 'Workflow', metadata: wf.metadata };
    expect(normalize(resourceEvent(body), ctx).signals).toHaveLength(1);
    expect(normalize(resourceEvent(body, { group: 'example.com', version: 'v1' }), ctx).ignored).toEqual([
      { reason: 'Argo Events body is example.com/Workflow, not an argoproj.io Workflow' },
    ]);
    expect(normalize(resourceEvent(body, { group: 'example.com', version: null }), ctx).ignored).toEqual([
      { reason: 'Argo Events body is example.com/Workflow, not an argoproj.io Workflow' },
    ]);
    expect(normalize(resourceEvent(body, { group: '', version: 'v1' }), ctx).ignored).toEqual([
      { reason: 'Argo Events body is core/Workflow, not an argoproj.io Workflow' },
    ]);
    expect(normalize(resourceEvent(body, { group: null, version: null }), ctx).signals).toHaveLength(1);
  });
});

describe('Argo Events: whole events and their data', () => {
  const data = () => JSON.parse(Buffer.from((fixture('argo-events-whole-event-base64.json') as { data: string }).data, 'base64').toString('utf8')) as Record<string, unknown>;
  const whole = (payload: unknown, context: Record<string, unknown> = { type: 'resource' }) => ({ context, data: payload });

  it('a whole event whose context.type is not text is rejected', () => {
    expect(rejection(() => normalize(whole(base64(data()), { type: 42 }), ctx)).reason).toMatch(/^Argo Events event: context\.type: /);
  });

  it('a whole event without a type says so without naming one', () => {
    expect(rejection(() => normalize(whole(base64({ eventTime: 'x' }), {}), ctx)).reason).toBe(
      'Argo Events event carries no resource event data (expected data.type ADD, UPDATE or DELETE, and data.body)',
    );
  });

  it('a templated layout that has a data or specversion field is still read as the layout, not as an Argo Events event', () => {
    const layout = { kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1', namespace: 'argo', name: 'etl-7xk2p', reason: 'ArtifactGCFailed' };
    const signal = { cluster: 'fallback-cluster', namespace: 'argo', name: 'etl-7xk2p', source: 'event-exporter', reason: 'ArtifactGCFailed' };
    expect(normalize({ ...layout, data: { note: 'x' } }, ctx).signals).toEqual([signal]);
    expect(normalize({ ...layout, data_base64: 'eA==' }, ctx).signals).toEqual([signal]);
    expect(normalize({ ...layout, specversion: '1.0' }, ctx).signals).toEqual([signal]);
  });

  it('JSON text data is read as JSON whatever its length (never mistaken for base64)', () => {
    for (const pad of ['', 'x', 'xx', 'xxx']) {
      expect(normalize(whole(JSON.stringify({ ...data(), pad })), ctx).signals).toEqual([added]);
    }
  });

  it('base64 without its padding is not decoded', () => {
    let padded = { ...data(), pad: '' };
    while (!base64(padded).endsWith('=')) padded = { ...padded, pad: `${padded.pad}x` };
    expect(normalize(whole(base64(padded)), ctx).signals).toEqual([added]);
    expect(rejection(() => normalize(whole(base64(padded).replace(/=+$/, '')), ctx)).reason).toMatch(/^Argo Events event data is not JSON/);
  });

  it('empty data is empty text, not empty base64', () => {
    expect(rejection(() => normalize(whole(''), ctx)).reason).toBe('Argo Events event data is empty, expected a JSON object');
  });

  it.each(['.', '-', '_', '~'])('base64 with a character outside the standard alphabet (%s) is not decoded', (foreign) => {
    const text = base64(data());
    expect(rejection(() => normalize(whole(`${text.slice(0, 4)}${foreign.repeat(4)}${text.slice(4)}`), ctx)).reason).toMatch(
      /^Argo Events event data is not JSON/,
    );
  });
});
