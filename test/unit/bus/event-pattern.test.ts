import { describe, expect, it } from 'vitest';
import { matches } from '../../../src/bus/event-pattern.js';

const event = {
  source: 'k8s.event-exporter',
  'detail-type': 'kubernetes-event',
  detail: { reason: 'ArtifactGCFailed', count: 3, involvedObject: { kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1' }, tags: ['a', 'b'] },
};

describe('EventBridge pattern matching', () => {
  it.each([
    [{ source: ['k8s.event-exporter'] }, true],
    [{ source: ['other'] }, false],
    [{ detail: { involvedObject: { kind: ['Workflow'] } } }, true],
    [{ detail: { involvedObject: { kind: ['WorkflowTemplate'] } } }, false],
    [{ detail: { involvedObject: { apiVersion: [{ prefix: 'argoproj.io/' }] } } }, true],
    [{ detail: { involvedObject: { apiVersion: [{ prefix: 'example.com/' }] } } }, false],
    [{ detail: { involvedObject: { uid: [{ exists: false }] } } }, true],
    [{ detail: { involvedObject: { uid: [{ exists: true }] } } }, false],
    [{ detail: { reason: [{ 'anything-but': ['WorkflowRunning'] }] } }, true],
    [{ detail: { reason: [{ 'anything-but': 'ArtifactGCFailed' }] } }, false],
    [{ detail: { count: [{ numeric: ['>', 2, '<=', 3] }] } }, true],
    [{ detail: { count: [{ numeric: ['>', 3] }] } }, false],
    [{ detail: { tags: ['b'] } }, true],
    [{ detail: { missing: { nested: ['x'] } } }, false],
    [{ detail: { reason: [{ 'equals-ignore-case': 'artifactgcfailed' }] } }, true],
  ])('%j -> %s', (pattern, expected) => {
    expect(matches(pattern as never, event)).toBe(expected);
  });
});
