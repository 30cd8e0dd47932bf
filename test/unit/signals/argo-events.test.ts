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
