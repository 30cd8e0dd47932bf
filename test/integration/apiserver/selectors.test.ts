import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyIndex, compare } from '../../../src/local/apiserver/keyindex.js';
import {
  SelectorError,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../../../src/local/apiserver/selectors.js';

describe('label selectors (k8s.io/apimachinery/pkg/labels semantics)', () => {
  const labels = { app: 'argo', 'workflows.argoproj.io/phase': 'Succeeded', n: '5' };
  it.each([
    ['', true],
    ['app=argo', true],
    ['app==argo', true],
    ['app=other', false],
    ['app!=other', true],
    ['missing!=x', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['app in (argo, other)', true],
    ['app in (other)', false],
    ['missing in (x)', false],
    ['app notin (other)', true],
    ['missing notin (x)', true],
    ['app notin (argo)', false],
    ['workflows.argoproj.io/phase=Succeeded,app', true],
    ['workflows.argoproj.io/phase=Succeeded,!app', false],
    ['n>4', true],
    ['n<4', false],
    ['app=', false],
    ['empty=', false],
  ])('%s -> %s', (selector, want) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(want);
  });

  it('an empty value matches an empty label', () => {
    expect(matchesLabels(parseLabelSelector('empty='), { empty: '' })).toBe(true);
  });

  it.each(['app in (a', 'app=a=b', '=a', 'app in a', 'Bad Key=x', 'app=a,', 'n>x', 'app!'])('rejects %j', (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(SelectorError);
  });
});

describe('field selectors', () => {
  const values: Record<string, string> = { 'metadata.name': 'a,b', 'metadata.namespace': 'argo' };
  const resolve = (f: string): string | undefined => values[f];
  it.each([
    ['metadata.namespace=argo', true],
    ['metadata.namespace==argo', true],
    ['metadata.namespace!=argo', false],
    ['metadata.name=a\\,b', true],
    ['metadata.namespace=argo,metadata.name!=x', true],
  ])('%s -> %s', (selector, want) => {
    expect(matchesFields(parseFieldSelector(selector), resolve)).toBe(want);
  });

  it('rejects a term without an operator', () => {
    expect(() => parseFieldSelector('metadata.name')).toThrow(SelectorError);
  });
});

describe('KeyIndex', () => {
  it('property: keys() is always the sorted set of live keys, whatever the interleaving', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), key: fc.stringMatching(/^[a-c]{1,2}\/[a-c]{1,3}$/) }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.stringMatching(/^[a-c]{1,2}\/[a-c]{1,3}$/) }),
      fc.record({ kind: fc.constant('read' as const), key: fc.constant('') }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const index = new KeyIndex();
        const live = new Set<string>();
        for (const o of ops) {
          if (o.kind === 'add') {
            index.add(o.key);
            live.add(o.key);
          } else if (o.kind === 'delete') {
            // The store only deletes keys that exist.
            if (live.has(o.key)) {
              index.delete(o.key);
              live.delete(o.key);
            }
          } else {
            expect(index.keys()).toEqual([...live].sort(compare));
          }
        }
        expect(index.keys()).toEqual([...live].sort(compare));
      }),
    );
  });

  it('lowerBound finds the namespace range [ns/, ns0)', () => {
    const keys = ['a-b/x', 'a/x', 'a/y', 'ab/x'];
    expect(KeyIndex.lowerBound(keys, 'a/')).toBe(1);
    expect(KeyIndex.lowerBound(keys, 'a0')).toBe(3);
  });
});
