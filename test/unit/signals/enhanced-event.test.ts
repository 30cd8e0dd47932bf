import { describe, expect, it } from 'vitest';
import { normalize } from '../../../src/signals/normalize.js';
import { WorkflowSignal } from '../../../src/signals/signal.js';
import { ctx, fixture } from './fixture.js';
import { rejection } from './reject.js';

type Event = Record<string, unknown> & { involvedObject: Record<string, unknown>; metadata: Record<string, unknown> };
const artifactGcFailed = () => fixture('exporter-artifact-gc-failed.json') as Event;

describe('kubernetes-event-exporter EnhancedEvent', () => {
  it('yields the involved Workflow of a resmoio ArtifactGCFailed event', () => {
    expect(normalize(artifactGcFailed(), ctx)).toEqual({
      signals: [
        {
          cluster: 'prod-eks-euw1',
          namespace: 'argo',
          name: 'etl-7xk2p',
          uid: '9b2f6a1e-8c3d-4e5f-a6b7-c8d9e0f1a2b3',
          resourceVersion: '48213370',
          source: 'event-exporter',
          reason: 'ArtifactGCFailed',
        },
      ],
      ignored: [],
    });
  });

  it('reads a clusterName of spaces, or a padded <no value>, as blank too: the default cluster, not a cluster named "  "', () => {
    for (const clusterName of ['   ', ' <no value> ']) {
      const { signals } = normalize({ ...fixture('exporter-workflow-succeeded.json'), clusterName }, ctx);
      expect(signals.map((s) => s.cluster)).toEqual(['fallback-cluster']);
    }
  });

  it('falls back to the default cluster when clusterName is blank', () => {
    const { signals } = normalize(fixture('exporter-workflow-succeeded.json'), ctx);
    expect(signals).toEqual([
      {
        cluster: 'fallback-cluster',
        namespace: 'data-jobs',
        name: 'nightly-report-q8h2d',
        uid: '7f3e2d1c-0b9a-4876-a5b4-c3d2e1f0a9b8',
        resourceVersion: '9120031',
        source: 'event-exporter',
        reason: 'WorkflowSucceeded',
      },
    ]);
  });

  it('yields a signal whatever the event reason, and without one', () => {
    for (const reason of ['WorkflowRunning', 'WorkflowNodeFailed', 'WorkflowTimedOut', 'SomethingNew']) {
      const event = { ...artifactGcFailed(), reason };
      expect(normalize(event, ctx).signals[0]?.reason).toBe(reason);
    }
    const { reason: _reason, ...noReason } = artifactGcFailed();
    const [signal] = normalize(noReason, ctx).signals;
    expect(signal).toBeDefined();
    expect(signal).not.toHaveProperty('reason');
    const long = normalize({ ...artifactGcFailed(), reason: 'R'.repeat(1000) }, ctx).signals[0];
    expect(long?.reason).toHaveLength(256);
  });

  it('reads the opsgenie original (no clusterName, no deleted) when its lookup succeeded', () => {
    const event = artifactGcFailed();
    delete event['clusterName'];
    delete event.involvedObject['deleted'];
    delete event.involvedObject['ownerReferences'];
    expect(normalize(event, ctx).signals).toEqual([expect.objectContaining({ cluster: 'fallback-cluster', name: 'etl-7xk2p' })]);
  });

  it('ignores an opsgenie event whose involvedObject stayed empty, naming the event', () => {
    expect(normalize(fixture('opsgenie-empty-involved-object.json'), ctx)).toEqual({
      signals: [],
      ignored: [
        {
          reason:
            'involvedObject is empty (event "etl-7xk2p.1862f0c3a7b4e2d1"): the exporter could not look the object up, so its kind is unknown',
        },
      ],
    });
    // Serialized with empty strings rather than omitted: the same.
    const blanks = { ...fixture('opsgenie-empty-involved-object.json'), involvedObject: { kind: '', name: '', uid: '', namespace: 'argo' } };
    expect(normalize(blanks, ctx).ignored[0]?.reason).toMatch(/^involvedObject is empty/);
  });

  it.each([
    ['workflowtemplate-event.json', 'involvedObject is argoproj.io/WorkflowTemplate, not a Workflow'],
    ['cronworkflow-event.json', 'involvedObject is argoproj.io/CronWorkflow, not a Workflow'],
    ['workflow-other-group.json', 'involvedObject is workflows.example.com/Workflow, not an argoproj.io Workflow'],
  ])('ignores %s', (name, reason) => {
    expect(normalize(fixture(name), ctx)).toEqual({ signals: [], ignored: [{ reason }] });
  });

  it('ignores an artifact-GC pod event, saying which Workflow it belongs to', () => {
    const { signals, ignored } = normalize(fixture('pod-event.json'), ctx);
    expect(signals).toEqual([]);
    expect(ignored).toEqual([{ reason: expect.stringMatching(/^involvedObject is core\/Pod, not a Workflow \(artifact-GC pod of Workflow "etl-7xk2p"/) }]);
  });

  it('an involvedObject with a name or a uid but no kind is not "empty": it is ignored for its missing kind', () => {
    const { kind: _kind, ...noKind } = artifactGcFailed().involvedObject;
    for (const involvedObject of [noKind, { uid: noKind['uid'] }, { name: noKind['name'] }]) {
      expect(normalize({ ...artifactGcFailed(), involvedObject }, ctx).ignored).toEqual([{ reason: 'involvedObject has no kind, nothing to evaluate' }]);
    }
  });

  it('a Workflow reference with its kind but no name or uid is not "empty": it is rejected for the missing name', () => {
    const involvedObject = { kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1', namespace: 'argo' };
    expect(rejection(() => normalize({ ...artifactGcFailed(), involvedObject }, ctx)).reason).toBe('involvedObject has no name');
  });

  it('an empty involvedObject of an event without metadata is ignored all the same', () => {
    const { metadata: _metadata, ...noMetadata } = fixture('opsgenie-empty-involved-object.json');
    expect(normalize(noMetadata, ctx).ignored).toEqual([
      { reason: 'involvedObject is empty (event ""): the exporter could not look the object up, so its kind is unknown' },
    ]);
  });

  it("the reference's own namespace wins over the event's", () => {
    const event = artifactGcFailed();
    event.metadata['namespace'] = 'other-namespace';
    expect(normalize(event, ctx).signals[0]?.namespace).toBe('argo');
  });

  it('a reference without a namespace, in an event without metadata, is rejected for the missing namespace', () => {
    const { metadata: _metadata, ...event } = artifactGcFailed();
    const { namespace: _namespace, ...involvedObject } = event.involvedObject;
    expect(rejection(() => normalize({ ...event, involvedObject }, ctx)).reason).toBe('involvedObject has no namespace');
  });

  it('an ill-typed event metadata field is rejected, as the reference fields are', () => {
    const event = artifactGcFailed();
    event.metadata['namespace'] = 42;
    expect(rejection(() => normalize(event, ctx)).reason).toMatch(/^EnhancedEvent: metadata\.namespace: /);
  });

  it('names the shape that carried the event when the event is ill-typed (an Argo Events core Event)', () => {
    const involvedObject = { ...artifactGcFailed().involvedObject, name: 42 };
    const data = { type: 'ADD', body: { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'argo' }, involvedObject }, group: '', version: 'v1', resource: 'events' };
    expect(rejection(() => normalize(data, ctx)).reason).toMatch(/^Argo Events Event involvedObject: involvedObject\.name: /);
  });

  it('takes the namespace from the event when the reference lost it', () => {
    const event = artifactGcFailed();
    delete event.involvedObject['namespace'];
    expect(normalize(event, ctx).signals[0]?.namespace).toBe('argo');
    delete event.metadata['namespace'];
    expect(rejection(() => normalize(event, ctx)).reason).toBe('involvedObject has no namespace');
  });

  it.each([
    ['name', 'ETL-7xk2p', 'involvedObject name "ETL-7xk2p" is invalid: name must be a DNS-1123 subdomain'],
    ['name', '../etc/passwd', 'involvedObject name "../etc/passwd" is invalid: name must be a DNS-1123 subdomain'],
    ['name', 'etl-7xk2p/../../secrets', 'involvedObject name "etl-7xk2p/../../secrets" is invalid: name must be a DNS-1123 subdomain'],
    ['name', ' etl-7xk2p', 'involvedObject name " etl-7xk2p" is invalid: name must be a DNS-1123 subdomain'],
    ['namespace', 'kube_system', 'involvedObject namespace "kube_system" is invalid: namespace must be a DNS-1123 label'],
    ['namespace', 'a.b', 'involvedObject namespace "a.b" is invalid: namespace must be a DNS-1123 label'],
  ])('rejects an invalid %s %j', (field, value, reason) => {
    const event = artifactGcFailed();
    event.involvedObject[field] = value;
    expect(rejection(() => normalize(event, ctx)).reason).toBe(reason);
  });

  it('rejects names past the Kubernetes length limits and bounds the quoted value', () => {
    const event = artifactGcFailed();
    event.involvedObject['name'] = 'a'.repeat(254);
    const { reason } = rejection(() => normalize(event, ctx));
    expect(reason).toMatch(/^involvedObject name "a{80}…" is invalid: name must be a DNS-1123 subdomain$/);
    event.involvedObject['name'] = 'a'.repeat(253);
    expect(normalize(event, ctx).signals).toHaveLength(1);
  });

  it('rejects a Workflow reference without a name, and ill-typed or oversized fields', () => {
    const event = artifactGcFailed();
    delete event.involvedObject['name'];
    expect(rejection(() => normalize(event, ctx)).reason).toBe('involvedObject has no name');
    event.involvedObject['name'] = 42;
    expect(rejection(() => normalize(event, ctx)).reason).toMatch(/^EnhancedEvent: involvedObject\.name: /);
    event.involvedObject['name'] = 'etl-7xk2p';
    event.involvedObject['uid'] = 'u'.repeat(65);
    expect(rejection(() => normalize(event, ctx)).reason).toMatch(/^involvedObject uid "u{65}" is invalid: Too big/);
    event.involvedObject['uid'] = 'ok';
    event['clusterName'] = 'c'.repeat(101);
    expect(rejection(() => normalize(event, ctx)).reason).toMatch(/^involvedObject cluster "c+…" is invalid/);
  });

  it('rejects a Workflow with no cluster anywhere', () => {
    const event = artifactGcFailed();
    event['clusterName'] = '';
    expect(rejection(() => normalize(event, { defaultCluster: '' })).reason).toBe(
      'involvedObject names no cluster and no default cluster is configured',
    );
  });

  it('produces only schema-valid signals', () => {
    for (const name of ['exporter-artifact-gc-failed.json', 'exporter-workflow-succeeded.json']) {
      for (const signal of normalize(fixture(name), ctx).signals) expect(() => WorkflowSignal.parse(signal)).not.toThrow();
    }
  });
});
