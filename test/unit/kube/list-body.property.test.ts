import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ListBodyError, readListBody } from '../../../src/kube/list-body.js';

/** What the old path did: JSON.parse of the whole page. */
function whole(text: string): { envelope: unknown; items: unknown[] } {
  const parsed = JSON.parse(text) as Record<string, unknown>;
  const items = Array.isArray(parsed['items']) ? (parsed['items'] as unknown[]) : [];
  return { envelope: Array.isArray(parsed['items']) ? { ...parsed, items: [] } : parsed, items };
}

function itemByItem(bytes: Buffer): { envelope: unknown; items: unknown[] } {
  const body = readListBody(bytes);
  return { envelope: body.envelope, items: [...body.items()] };
}

// Items whose strings hold everything a splitter could trip on: quotes, backslashes, brackets, commas, non-ASCII
// (multi-byte UTF-8), and a nested `items` key.
/** Refused because the page has two top-level `items` (the one deliberate difference from JSON.parse), not for any other reason. */
function twice(bytes: Buffer): boolean {
  try {
    itemByItem(bytes);
    return false;
  } catch (err) {
    return err instanceof ListBodyError && err.message.includes('twice');
  }
}

const tricky = fc.constantFrom('"', '\\', '\\"', '{', '}', '[', ']', ',', ':', 'é', '日本', '\u2028', '😀', 'items', ' ');
const text = fc.array(fc.oneof(tricky, fc.string({ unit: 'grapheme' })), { maxLength: 6 }).map((parts) => parts.join(''));
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(text, tie('node'), { maxKeys: 4 }),
  ),
})).node;
const list = fc.record({
  apiVersion: fc.constant('argoproj.io/v1alpha1'),
  kind: fc.constant('WorkflowList'),
  metadata: fc.record({ resourceVersion: fc.string(), continue: fc.option(text, { nil: undefined }) }, { requiredKeys: ['resourceVersion'] }),
  items: fc.array(fc.oneof(fc.dictionary(fc.oneof(text, fc.constant('items')), value, { maxKeys: 5 }), value), { maxLength: 8 }),
});
// Member order and spacing are the encoder's business: both are varied.
const rendering = fc.record({ shuffle: fc.boolean(), indent: fc.constantFrom(undefined, 0, 1, 2, '\t') });

function render(l: Record<string, unknown>, how: { shuffle: boolean; indent: number | string | undefined }): string {
  const entries = Object.entries(l).filter(([, v]) => v !== undefined);
  if (how.shuffle) entries.reverse();
  return JSON.stringify(Object.fromEntries(entries), null, how.indent);
}

describe('readListBody: a list page read item by item', () => {
  it('reads exactly what JSON.parse of the whole page reads', () => {
    fc.assert(
      fc.property(list, rendering, (l, how) => {
        const t = render(l, how);
        expect(itemByItem(Buffer.from(t))).toEqual(whole(t));
      }),
      { numRuns: 1500, seed: 16 },
    );
  });

  it('accepts nothing JSON.parse refuses: a page cut or altered anywhere is an error, never a shorter list', () => {
    fc.assert(
      fc.property(list, rendering, fc.nat(), fc.constantFrom('', '"', '\\', '{', '}', '[', ']', ',', ':', 'x', ' '), (l, how, at, insert) => {
        // Bytes, as they come off the wire: a cut may fall inside a multi-byte character.
        const t = Buffer.from(render(l, how));
        const cut = at % t.length;
        // A cut page (the connection dropped) and a page with one byte replaced.
        for (const broken of [t.subarray(0, cut), Buffer.concat([t.subarray(0, cut), Buffer.from(insert), t.subarray(cut + 1)])]) {
          let expected: ReturnType<typeof whole> | 'error';
          try {
            expected = whole(broken.toString('utf8'));
          } catch {
            expected = 'error';
          }
          let actual: ReturnType<typeof whole> | 'error';
          try {
            actual = itemByItem(broken);
          } catch {
            actual = 'error';
          }
          // One deliberate difference: a page with `items` twice is refused, where JSON.parse keeps the last.
          if (actual === 'error' && expected !== 'error' && twice(broken)) continue;
          expect(actual).toEqual(expected);
        }
      }),
      { numRuns: 1500, seed: 16 },
    );
  });

  it('parses an item only when it is asked for', () => {
    const body = readListBody(Buffer.from('{"items":[{"a":1},{"b":'.concat('2}]', ',"metadata":{}}')));
    expect(body.count).toBe(2);
    const it = body.items();
    expect(it.next().value).toEqual({ a: 1 });
    expect(it.next().value).toEqual({ b: 2 });
    expect(it.next().done).toBe(true);
  });

  it('says what is wrong with a body that is no list', () => {
    expect(() => readListBody(Buffer.from('[]'))).toThrow('the list response is not a JSON object');
    expect(() => readListBody(Buffer.from('{"items":[{"a":"'))).toThrow('a string never ends');
    expect(() => readListBody(Buffer.from('{"items":[],"items":[]}'))).toThrow('`items` twice');
    // Whatever the values: JSON.parse would give the last (here null, so no items at all), never the first's items.
    expect(() => readListBody(Buffer.from('{"items":[{"a":1}],"items":null}'))).toThrow('`items` twice');
    expect(() => readListBody(Buffer.from('{"items":null,"items":[{"a":1}]}'))).toThrow('`items` twice');
    expect(() => readListBody(Buffer.from('{"items":[]} x'))).toThrow('not valid JSON (at byte 13)');
  });
});
