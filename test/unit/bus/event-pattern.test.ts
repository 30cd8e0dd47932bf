import { describe, expect, it } from 'vitest';
import { matches as matchesPattern } from '../../../src/bus/event-pattern.js';

describe('EventBridge pattern matching (local bus and template test)', () => {
  const event = {
    source: 'k8s.event-exporter',
    'detail-type': 'kubernetes-event',
    detail: { reason: 'ArtifactGCFailed', count: 3, deleted: true, labels: ['a', 'b'], involvedObject: { kind: 'Workflow' } },
  };

  it('matches exact values of every type, and requires every key', () => {
    expect(matchesPattern({ source: ['k8s.event-exporter'] }, event)).toBe(true);
    expect(matchesPattern({ source: ['other', 'k8s.event-exporter'] }, event)).toBe(true);
    expect(matchesPattern({ detail: { count: [3], deleted: [true] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { count: ['3'] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { deleted: ['true'] } }, event)).toBe(false);
    expect(matchesPattern({ source: ['k8s.event-exporter'], 'detail-type': ['other'] }, event)).toBe(false);
  });

  it('matches an event array when any element matches', () => {
    expect(matchesPattern({ detail: { labels: ['b'] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { labels: ['c'] } }, event)).toBe(false);
  });

  it('recurses into nested objects, and fails on a missing or non-object field', () => {
    expect(matchesPattern({ detail: { involvedObject: { kind: ['Workflow'] } } }, event)).toBe(true);
    expect(matchesPattern({ detail: { involvedObject: { kind: ['WorkflowTemplate'] } } }, event)).toBe(false);
    expect(matchesPattern({ detail: { missing: { kind: ['Workflow'] } } }, event)).toBe(false);
    expect(matchesPattern({ detail: { reason: { kind: ['Workflow'] } } }, event)).toBe(false);
  });

  it('supports prefix, suffix, equals-ignore-case and anything-but', () => {
    expect(matchesPattern({ source: [{ prefix: 'k8s.' }] }, event)).toBe(true);
    expect(matchesPattern({ source: [{ prefix: 'aws.' }] }, event)).toBe(false);
    expect(matchesPattern({ source: [{ suffix: '-exporter' }] }, event)).toBe(true);
    expect(matchesPattern({ detail: { reason: [{ 'equals-ignore-case': 'artifactgcfailed' }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { reason: [{ 'anything-but': 'ArtifactGCFailed' }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { reason: [{ 'anything-but': ['X', 'Y'] }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { reason: [{ 'anything-but': { prefix: 'Artifact' } }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { missing: [{ 'anything-but': 'x' }] } }, event)).toBe(false);
  });

  it('supports exists, including on absent parents', () => {
    expect(matchesPattern({ detail: { reason: [{ exists: true }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { reason: [{ exists: false }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { nope: [{ exists: false }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { nope: [{ exists: true }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { nope: { deeper: [{ exists: false }] } } }, event)).toBe(true);
  });

  it('supports $or at any level, combined with sibling keys', () => {
    const pattern = {
      source: ['k8s.event-exporter'],
      $or: [{ 'detail-type': ['nope'] }, { detail: { reason: ['ArtifactGCFailed'] } }],
    };
    expect(matchesPattern(pattern, event)).toBe(true);
    expect(matchesPattern({ ...pattern, source: ['x'] }, event)).toBe(false);
    expect(matchesPattern({ $or: [{ source: ['a'] }, { source: ['b'] }] }, event)).toBe(false);
    expect(matchesPattern({ detail: { $or: [{ count: [1] }, { count: [3] }] } }, event)).toBe(true);
  });

  it('supports numeric ranges', () => {
    expect(matchesPattern({ detail: { count: [{ numeric: ['>', 2, '<=', 3] }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { count: [{ numeric: ['>', 3] }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { reason: [{ numeric: ['>', 3] }] } }, event)).toBe(false);
  });

  it('throws on operators it does not implement rather than guessing', () => {
    expect(() => matchesPattern({ detail: { count: [{ wildcard: '*' }] } }, event)).toThrow(/not supported/);
    expect(() => matchesPattern({ detail: { count: [{ numeric: ['~', 1] }] } }, event)).toThrow(/not supported/);
    expect(() => matchesPattern({ source: 'k8s.event-exporter' }, event)).toThrow(/array or an object/);
    expect(() => matchesPattern({ $or: [{ source: ['a'] }] }, event)).toThrow(/at least two/);
  });
});
