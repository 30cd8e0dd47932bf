import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonPatchApplyError, applyJsonPatch, decodeJsonPatch } from '../../../src/local/apiserver/jsonpatch.js';
import { applyMergePatch } from '../../../src/local/apiserver/mergepatch.js';

/** RFC 6902 appendix A and RFC 7386 appendix A test vectors, plus the evanphx/json-patch v4 behaviour kept on purpose. */

describe('JSON patch: RFC 6902 appendix A', () => {
  const ok: [string, unknown, unknown[], unknown][] = [
    ['A.1 add an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
    ['A.2 add an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
    ['A.3 remove an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    ['A.4 remove an array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
    ['A.5 replace a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
    [
      'A.6 move a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    ['A.7 move an array element', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }], { foo: ['all', 'cows', 'eat', 'grass'] }],
    [
      'A.8 test a value: success',
      { baz: 'qux', foo: ['a', 2, 'c'] },
      [{ op: 'test', path: '/baz', value: 'qux' }, { op: 'test', path: '/foo/1', value: 2 }],
      { baz: 'qux', foo: ['a', 2, 'c'] },
    ],
    ['A.10 add a nested member object', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
    ['A.11 ignore unrecognized elements', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }], { foo: 'bar', baz: 'qux' }],
    ['A.14 ~ escape ordering', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    ['A.16 add an array value', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
    ['copy', { a: { b: [1] } }, [{ op: 'copy', from: '/a', path: '/c' }], { a: { b: [1] }, c: { b: [1] } }],
  ];
  it.each(ok)('%s', (_name, doc, ops, want) => {
    expect(applyJsonPatch(doc, decodeJsonPatch(ops))).toEqual(want);
  });

  const failing: [string, unknown, unknown[], string][] = [
    ['A.9 test a value: error', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }], 'testing value /baz failed: test failed'],
    ['A.12 add to a nonexistent target', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }], 'add operation does not apply: doc is missing path: "/baz/bat": missing value'],
    ['A.15 comparing strings and numbers', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }], 'testing value /~01 failed: test failed'],
    ['remove a missing member', { a: 1 }, [{ op: 'remove', path: '/b' }], "error in remove for path: '/b': Unable to remove nonexistent key: b: missing value"],
    ['remove past the end', { a: [1] }, [{ op: 'remove', path: '/a/1' }], "error in remove for path: '/a/1': Unable to access invalid index: 1: invalid index referenced"],
    ['test past the end', { a: [1] }, [{ op: 'test', path: '/a/4', value: 1 }], "error in test for path: '/a/4': Unable to access invalid index: 4: invalid index referenced"],
    ['unknown op', { a: 1 }, [{ op: 'frobnicate', path: '/a' }], 'Unexpected kind: frobnicate'],
  ];
  it.each(failing)('%s', (_name, doc, ops, message) => {
    expect(() => applyJsonPatch(doc, decodeJsonPatch(ops))).toThrow(new JsonPatchApplyError(message));
  });

  it('is all or nothing and never changes its input', () => {
    const doc = { metadata: { finalizers: ['a', 'b'] } };
    const snapshot = JSON.stringify(doc);
    expect(() =>
      applyJsonPatch(doc, [
        { op: 'remove', path: '/metadata/finalizers/0' },
        { op: 'test', path: '/metadata/finalizers/0', value: 'a' },
      ]),
    ).toThrow(JsonPatchApplyError);
    expect(JSON.stringify(doc)).toBe(snapshot);
  });
});

describe('JSON patch: behaviour of the library the API server uses (evanphx/json-patch v4)', () => {
  it('test treats a JSON null and an absent member alike', () => {
    expect(applyJsonPatch({ a: null }, [{ op: 'test', path: '/b', value: null }, { op: 'test', path: '/a', value: null }])).toEqual({ a: null });
    expect(() => applyJsonPatch({}, [{ op: 'test', path: '/a', value: 'x' }])).toThrow('testing value /a failed: test failed');
  });

  it('replace of a missing object member adds it', () => {
    expect(applyJsonPatch({ metadata: {} }, [{ op: 'replace', path: '/metadata/labels', value: { a: 'b' } }])).toEqual({ metadata: { labels: { a: 'b' } } });
  });

  it('accepts negative indices for add and remove', () => {
    expect(applyJsonPatch({ f: ['a', 'b', 'c'] }, [{ op: 'remove', path: '/f/-1' }])).toEqual({ f: ['a', 'b'] });
    expect(applyJsonPatch({ f: ['a', 'b'] }, [{ op: 'add', path: '/f/-1', value: 'z' }])).toEqual({ f: ['a', 'b', 'z'] });
  });

  it('rejects a body that is not an array of operations', () => {
    expect(() => decodeJsonPatch({ op: 'add' })).toThrow('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    expect(() => decodeJsonPatch(['remove'])).toThrow('json: cannot unmarshal string into Go value of type jsonpatch.Operation');
  });

  it('property: test on the finalizer at each index passes exactly when the value is there, and remove drops only it', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z]{1,8}\/[a-z]{1,8}$/), { maxLength: 6 }), fc.nat(8), (finalizers, i) => {
        const doc = { metadata: { uid: 'u', finalizers } };
        const value = finalizers[i] ?? 'example.com/absent';
        const patch = [
          { op: 'test', path: '/metadata/uid', value: 'u' },
          { op: 'test', path: `/metadata/finalizers/${i}`, value },
          { op: 'remove', path: `/metadata/finalizers/${i}` },
        ];
        if (i < finalizers.length) {
          const out = applyJsonPatch(doc, patch);
          expect(out.metadata.finalizers).toEqual(finalizers.filter((_, j) => j !== i));
        } else {
          expect(() => applyJsonPatch(doc, patch)).toThrow(JsonPatchApplyError);
        }
      }),
    );
  });
});

describe('merge patch: RFC 7386 appendix A', () => {
  const vectors: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  it.each(vectors)('%j + %j', (target, patch, want) => {
    expect(applyMergePatch(target, patch)).toEqual(want);
  });

  it('shares no structure with the stored object', () => {
    const stored = { metadata: { labels: { a: 'b' } }, spec: { x: [1] } };
    const out = applyMergePatch(stored, { metadata: { annotations: { k: 'v' } } }) as typeof stored;
    out.spec.x.push(2);
    out.metadata.labels.a = 'changed';
    expect(stored).toEqual({ metadata: { labels: { a: 'b' } }, spec: { x: [1] } });
  });
});
