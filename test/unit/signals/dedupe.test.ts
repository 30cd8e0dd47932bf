import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dedupe } from '../../../src/signals/dedupe.js';
import type { WorkflowSignal } from '../../../src/signals/signal.js';

const s = (fields: Partial<WorkflowSignal>): WorkflowSignal => ({ cluster: 'c1', namespace: 'argo', name: 'wf', source: 'eventbridge', ...fields });

describe('dedupe', () => {
  it('keeps one signal per (cluster, namespace, name), in first-seen order', () => {
    const out = dedupe([s({ name: 'a' }), s({ name: 'b' }), s({ name: 'a', reason: 'later' }), s({ cluster: 'c2', name: 'a' }), s({ namespace: 'ns2', name: 'a' })]);
    expect(out.map((x) => `${x.cluster}/${x.namespace}/${x.name}`)).toEqual(['c1/argo/a', 'c1/argo/b', 'c2/argo/a', 'c1/ns2/a']);
    expect(out[0]?.reason).toBeUndefined();
  });

  it('prefers a uid, then the numerically highest resourceVersion', () => {
    expect(dedupe([s({ resourceVersion: '900' }), s({ uid: 'u1', resourceVersion: '5' })])).toEqual([s({ uid: 'u1', resourceVersion: '5' })]);
    // Whichever comes first: a later signal without a uid never displaces one with it, whatever its resourceVersion.
    expect(dedupe([s({ uid: 'u1', resourceVersion: '5' }), s({ resourceVersion: '900' })])).toEqual([s({ uid: 'u1', resourceVersion: '5' })]);
    // "9" > "10" as text; numerically 10 is newer.
    expect(dedupe([s({ uid: 'u', resourceVersion: '9' }), s({ uid: 'u', resourceVersion: '10', reason: 'newer' })])[0]?.reason).toBe('newer');
    expect(dedupe([s({ resourceVersion: '48213377' }), s({ resourceVersion: '48213370' })])[0]?.resourceVersion).toBe('48213377');
    expect(dedupe([s({}), s({ resourceVersion: '3' })])[0]?.resourceVersion).toBe('3');
    expect(dedupe([s({ resourceVersion: '99999999999999999999999' }), s({ resourceVersion: '100000000000000000000000' })])[0]?.resourceVersion).toBe(
      '100000000000000000000000',
    );
  });

  it('does not compare resourceVersions that are not decimal: the first stays', () => {
    expect(dedupe([s({ resourceVersion: 'abc', reason: 'first' }), s({ resourceVersion: '7' })])[0]?.reason).toBe('first');
    expect(dedupe([s({ resourceVersion: '7', reason: 'first' }), s({ resourceVersion: 'zzz' })])[0]?.reason).toBe('first');
  });

  it('on a tie keeps the earlier: the same uid and resourceVersion, or neither', () => {
    expect(dedupe([s({ uid: 'u', resourceVersion: '7', reason: 'first' }), s({ uid: 'u', resourceVersion: '7' })])[0]?.reason).toBe('first');
    expect(dedupe([s({ uid: 'u', reason: 'first' }), s({ uid: 'u' })])[0]?.reason).toBe('first');
    expect(dedupe([s({ reason: 'first' }), s({})])[0]?.reason).toBe('first');
    // A resourceVersion beats none only one way round: the one that has it stays, whichever came first.
    expect(dedupe([s({ resourceVersion: '3', reason: 'first' }), s({})])[0]?.reason).toBe('first');
  });

  it('a resourceVersion with digits and something else, at either end, is not decimal', () => {
    expect(dedupe([s({ resourceVersion: '5', reason: 'first' }), s({ resourceVersion: '9x' })])[0]?.reason).toBe('first');
    expect(dedupe([s({ resourceVersion: '5', reason: 'first' }), s({ resourceVersion: 'x9' })])[0]?.reason).toBe('first');
  });

  it('returns one of its inputs for every key, and is idempotent', () => {
    const signal = fc.record({
      cluster: fc.constantFrom('c1', 'c2'),
      namespace: fc.constantFrom('argo', 'jobs'),
      name: fc.constantFrom('a', 'b', 'c'),
      uid: fc.option(fc.constantFrom('u1', 'u2'), { nil: undefined }),
      resourceVersion: fc.option(fc.oneof(fc.nat().map(String), fc.constantFrom('x', '')), { nil: undefined }),
      source: fc.constant('sweep' as const),
    });
    fc.assert(
      fc.property(fc.array(signal, { maxLength: 30 }), (input) => {
        const out = dedupe(input);
        const key = (x: WorkflowSignal) => `${x.cluster}/${x.namespace}/${x.name}`;
        expect(new Set(out.map(key)).size).toBe(out.length);
        expect(new Set(out.map(key))).toEqual(new Set(input.map(key)));
        for (const kept of out) expect(input).toContain(kept);
        expect(dedupe(out)).toEqual(out);
      }),
    );
  });
});
