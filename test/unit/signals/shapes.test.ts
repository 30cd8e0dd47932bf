import { describe, expect, it } from 'vitest';
import { normalize } from '../../../src/signals/normalize.js';
import { ctx, fixture } from './fixture.js';
import { rejection } from './reject.js';

const exporterEvent = fixture('exporter-artifact-gc-failed.json');
const etl = { cluster: 'prod-eks-euw1', namespace: 'argo', name: 'etl-7xk2p', uid: '9b2f6a1e-8c3d-4e5f-a6b7-c8d9e0f1a2b3', resourceVersion: '48213370', reason: 'ArtifactGCFailed' };

describe('shapes added by issue 15', () => {
  it('reads an SNS notification (SQS subscription without raw delivery), holding Message to 256 KiB', () => {
    const note = { Type: 'Notification', MessageId: 'n1', TopicArn: 'arn:aws:sns:eu-west-1:123456789012:t', Message: JSON.stringify(exporterEvent), Timestamp: '2026-09-01T10:00:06.000Z' };
    expect(normalize(note, ctx).signals).toEqual([{ ...etl, source: 'event-exporter' }]);
    const big = { ...note, Message: JSON.stringify({ ...exporterEvent, pad: 'x'.repeat(256 * 1024) }) };
    expect(rejection(() => normalize(big, ctx)).reason).toMatch(/^SNS message "n1" is [\d,]+ bytes, more than an SNS message holds \(256 KiB\)$/);
  });

  it('reads the exporter README layout nested under details (no apiVersion, uid or clusterName)', () => {
    const layout = { region: 'us-west-2', eventType: 'kubernetes-event', createdAt: '1788256805000', details: { message: 'm', reason: 'ArtifactGCFailed', type: 'Warning', count: '1', kind: 'Workflow', name: 'etl-7xk2p', namespace: 'argo', component: 'workflow-controller', host: '', labels: '{}' } };
    expect(normalize(layout, ctx).signals).toEqual([{ cluster: 'fallback-cluster', namespace: 'argo', name: 'etl-7xk2p', source: 'event-exporter', reason: 'ArtifactGCFailed' }]);
    expect(normalize({ ...layout, details: { ...layout.details, kind: 'CronWorkflow' } }, ctx).ignored).toEqual([{ reason: 'templated layout details object is CronWorkflow, not a Workflow' }]);
  });

  it('reads a core v1 Event watched by Argo Events: its involvedObject is the Workflow', () => {
    const event = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'etl-7xk2p.1862f0c3a7b4e2d1', namespace: 'argo' }, involvedObject: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: 'etl-7xk2p', namespace: 'argo', uid: etl.uid, resourceVersion: '48213370' }, reason: 'ArtifactGCFailed', type: 'Warning' };
    const data = { type: 'ADD', body: event, oldBody: null, group: '', version: 'v1', resource: 'events', metadata: { clusterName: 'prod-eks-euw1' } };
    expect(normalize(data, ctx).signals).toEqual([{ ...etl, source: 'argo-events' }]);
    const aboutPod = { ...data, body: { ...event, involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'p', namespace: 'argo' } } };
    expect(normalize(aboutPod, ctx).ignored).toEqual([{ reason: 'Argo Events Event involvedObject is core/Pod, not a Workflow' }]);
  });

  it('reads a DELETE tombstone {Key, Obj}', () => {
    const wf = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'etl-7xk2p', namespace: 'argo', uid: etl.uid, resourceVersion: '48213399' } };
    const data = { type: 'DELETE', body: { Key: 'argo/etl-7xk2p', Obj: wf }, oldBody: null, group: 'argoproj.io', version: 'v1alpha1', resource: 'workflows' };
    expect(normalize(data, ctx).signals).toEqual([{ cluster: 'fallback-cluster', namespace: 'argo', name: 'etl-7xk2p', uid: etl.uid, resourceVersion: '48213399', source: 'argo-events', reason: 'DELETE' }]);
  });
});
