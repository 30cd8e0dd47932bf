import { describe, expect, it } from 'vitest';
import { normalize } from '../../../src/signals/normalize.js';
import { DEFAULT_EXPORTER_LAYOUT } from '../../../src/signals/templated-layout.js';
import { ctx, fixture } from './fixture.js';
import { rejection } from './reject.js';

/**
 * Renders a layout the way the exporter's Go templates would for the simple `{{ .A.B }}` fields it uses:
 * Go field names map to the EnhancedEvent's JSON names, a missing value renders as "".
 */
function render(layout: Record<string, string>, event: Record<string, unknown>): Record<string, string> {
  const jsonName = (goName: string) => ({ APIVersion: 'apiVersion', UID: 'uid' })[goName] ?? goName[0]!.toLowerCase() + goName.slice(1);
  return Object.fromEntries(
    Object.entries(layout).map(([key, template]) => {
      const path = /^\{\{ \.([\w.]+) \}\}$/.exec(template)?.[1];
      if (!path) throw new Error(`unsupported template ${template}`);
      let value: unknown = event;
      for (const part of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[jsonName(part)];
      return [key, value === undefined || value === null ? '' : String(value)];
    }),
  );
}

describe('templated exporter layouts', () => {
  it('the documented default layout yields the same signal as the full EnhancedEvent', () => {
    for (const name of ['exporter-artifact-gc-failed.json', 'exporter-workflow-succeeded.json']) {
      const event = fixture(name);
      const rendered = render(DEFAULT_EXPORTER_LAYOUT, event);
      expect(Object.values(rendered).every((v) => typeof v === 'string')).toBe(true);
      expect(normalize(rendered, ctx)).toEqual(normalize(event, ctx));
    }
  });

  it('reads the README-style layout on an SQS record (count and labels as strings)', () => {
    expect(normalize(fixture('sqs-record-exporter-layout.json'), ctx)).toEqual({
      signals: [
        {
          cluster: 'staging-eks-use1',
          namespace: 'data-jobs',
          name: 'nightly-report-q8h2d',
          uid: '7f3e2d1c-0b9a-4876-a5b4-c3d2e1f0a9b8',
          source: 'event-exporter',
          reason: 'WorkflowSucceeded',
        },
      ],
      ignored: [],
    });
  });

  it('treats empty strings, null and Go\'s "<no value>" as absent', () => {
    const layout = {
      kind: 'Workflow',
      apiVersion: 'argoproj.io/v1alpha1',
      namespace: 'argo',
      name: 'etl-7xk2p',
      uid: '<no value>',
      resourceVersion: null,
      reason: '',
      clusterName: '',
      count: null,
    };
    expect(normalize(layout, ctx).signals).toEqual([{ cluster: 'fallback-cluster', namespace: 'argo', name: 'etl-7xk2p', source: 'event-exporter' }]);
  });

  it('takes a Workflow layout without apiVersion as argoproj.io, and ignores other kinds without it', () => {
    const readme = { message: 'x', reason: 'ArtifactGCFailed', type: 'Warning', count: '1', kind: 'Workflow', name: 'etl-7xk2p', namespace: 'argo' };
    expect(normalize(readme, ctx)).toEqual({
      signals: [{ cluster: 'fallback-cluster', namespace: 'argo', name: 'etl-7xk2p', source: 'event-exporter', reason: 'ArtifactGCFailed' }],
      ignored: [],
    });
    expect(normalize({ ...readme, kind: 'CronWorkflow' }, ctx).ignored).toEqual([{ reason: 'templated layout object is CronWorkflow, not a Workflow' }]);
  });

  it('reads labels rendered by toJson for the artifact-GC pod note, and survives unreadable labels', () => {
    const pod = {
      kind: 'Pod',
      apiVersion: 'v1',
      namespace: 'argo',
      name: 'etl-7xk2p-artgc-wfdel-2166136261',
      reason: 'BackOff',
      labels: JSON.stringify({ 'workflows.argoproj.io/component': 'artifact-gc', 'workflows.argoproj.io/workflow': 'etl-7xk2p' }),
    };
    expect(normalize(pod, ctx).ignored[0]?.reason).toContain('artifact-GC pod of Workflow "etl-7xk2p"');
    expect(normalize({ ...pod, labels: '{not json' }, ctx).ignored).toEqual([{ reason: 'templated layout object is core/Pod, not a Workflow' }]);
  });

  it('rejects an invalid name in a layout', () => {
    const layout = { kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1', namespace: 'argo', name: 'Etl_7xk2p' };
    expect(rejection(() => normalize(layout, ctx)).reason).toBe(
      'templated layout object name "Etl_7xk2p" is invalid: name must be a DNS-1123 subdomain',
    );
  });
});
