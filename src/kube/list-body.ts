/**
 * A list response read one item at a time. A page of realistic Workflows is ~12 MiB of JSON: parsed whole, the
 * page's objects (several times its size) live at once next to its text, and the sweep's peak memory follows
 * that. Here only the bytes are held for the page; each item is parsed when the caller asks for it and can be
 * dropped before the next one is parsed.
 *
 * Equivalent to JSON.parse of the whole body: the body is split at the top-level object's members and the
 * `items` array's elements, each piece is parsed by JSON.parse, and pieces that each parse put back together
 * are valid JSON again, so nothing invalid is accepted and nothing valid is read differently. Splitting only
 * looks at ASCII bytes (quotes, backslashes, brackets, commas, colons), which never occur inside a multi-byte
 * UTF-8 sequence.
 */
export interface ListBody {
  /** The list without its items (`items: []`, or as sent when it is not an array): apiVersion, kind, metadata. */
  envelope: unknown;
  /** How many elements `items` holds. */
  count: number;
  /** The elements of `items`, each parsed on demand. Throws (SyntaxError) at the first element that is not JSON. */
  items(): Generator<unknown>;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

export class ListBodyError extends Error {
  override readonly name = 'ListBodyError';
}

export function readListBody(body: Buffer): ListBody {
  const bounds: number[] = [];
  let itemsOpen = -1;
  let itemsClose = -1;
  let seenItems = false;
  let i = skipSpace(body, 0);
  if (body[i] !== OPEN_BRACE) throw new ListBodyError('the list response is not a JSON object');
  i = skipSpace(body, i + 1);
  if (body[i] !== CLOSE_BRACE) {
    for (;;) {
      if (body[i] !== QUOTE) throw malformed(i);
      const keyEnd = endOfString(body, i);
      const raw = body.toString('utf8', i + 1, keyEnd);
      // A key spelled with escapes (`"it\\u0065ms"`) is still `items` to JSON.parse.
      const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
      i = skipSpace(body, keyEnd + 1);
      if (body[i] !== COLON) throw malformed(i);
      i = skipSpace(body, i + 1);
      // JSON.parse would keep the last of two `items` (an array or not); a list that sends two is not one to guess about.
      if (key === 'items' && seenItems) throw new ListBodyError('the list response has `items` twice');
      if (key === 'items') seenItems = true;
      if (key === 'items' && body[i] === OPEN_BRACKET) {
        itemsOpen = i;
        i = skipSpace(body, i + 1);
        if (body[i] !== CLOSE_BRACKET) {
          for (;;) {
            const start = i;
            i = endOfValue(body, i);
            bounds.push(start, i);
            i = skipSpace(body, i);
            if (body[i] === COMMA) i = skipSpace(body, i + 1);
            else if (body[i] === CLOSE_BRACKET) break;
            else throw malformed(i);
          }
        }
        itemsClose = i;
        i += 1;
      } else {
        i = endOfValue(body, i);
      }
      i = skipSpace(body, i);
      if (body[i] === COMMA) i = skipSpace(body, i + 1);
      else if (body[i] === CLOSE_BRACE) break;
      else throw malformed(i);
    }
  }
  if (skipSpace(body, i + 1) !== body.length) throw malformed(skipSpace(body, i + 1));
  const envelope: unknown =
    itemsOpen < 0
      ? JSON.parse(body.toString('utf8'))
      : JSON.parse(body.toString('utf8', 0, itemsOpen + 1) + body.toString('utf8', itemsClose));
  return {
    envelope,
    count: bounds.length / 2,
    *items() {
      for (let k = 0; k < bounds.length; k += 2) yield JSON.parse(body.toString('utf8', bounds[k], bounds[k + 1])) as unknown;
    },
  };
}

function malformed(at: number): ListBodyError {
  return new ListBodyError(`the list response is not valid JSON (at byte ${at})`);
}

function skipSpace(body: Buffer, i: number): number {
  while (i < body.length) {
    const c = body[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
  return i;
}

/** The index of the quote closing the string opened at `open`. */
function endOfString(body: Buffer, open: number): number {
  let j = open;
  for (;;) {
    j = body.indexOf(QUOTE, j + 1);
    if (j < 0) throw new ListBodyError('the list response is not valid JSON (a string never ends)');
    let escapes = 0;
    while (body[j - 1 - escapes] === BACKSLASH) escapes++;
    if (escapes % 2 === 0) return j;
  }
}

/** The index just past the value starting at `i` (validated later by JSON.parse of the piece it belongs to). */
function endOfValue(body: Buffer, i: number): number {
  const first = body[i];
  if (first === QUOTE) return endOfString(body, i) + 1;
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number, true, false or null: up to the next delimiter.
    let j = i;
    while (j < body.length) {
      const c = body[j]!;
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) break;
      j++;
    }
    if (j === i) throw malformed(i);
    return j;
  }
  let depth = 0;
  for (let j = i; j < body.length; j++) {
    const c = body[j]!;
    if (c === QUOTE) j = endOfString(body, j);
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth === 0) return j + 1;
    }
  }
  throw new ListBodyError('the list response is not valid JSON (it ends inside a value)');
}
