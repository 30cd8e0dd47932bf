import { LAMBDA_INVOCATION, MAX_JSON_DEPTH, tooLarge, type Transport } from './limits.js';
import { SignalRejected } from './rejected.js';

/**
 * JSON.parse with the carrier's size limit and the nesting limit checked first, so a hostile payload costs
 * one linear scan and never a deep recursion or a large allocation in a consumer. `what` names the text in
 * the reason; `carrier` is the transport that brought it (limits.ts), the largest by default.
 */
export function parseBoundedJson(text: string, what = 'input', carrier: Transport = LAMBDA_INVOCATION): unknown {
  // UTF-8 takes 1 to 3 bytes per UTF-16 unit: count bytes only when the length alone does not decide.
  if (text.length > carrier.maxBytes || (text.length * 3 > carrier.maxBytes && Buffer.byteLength(text, 'utf8') > carrier.maxBytes)) {
    throw tooLarge(what, Buffer.byteLength(text, 'utf8'), carrier);
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new SignalRejected(`${what} is empty, expected a JSON object`);
  const depth = maxNesting(body, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH) throw new SignalRejected(`${what} nests deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(body);
  } catch (err) {
    // The engine's message quotes the input on Node 22; keep only the position, never payload text.
    const position = /position (\d+)/.exec(err instanceof Error ? err.message : '')?.[1];
    throw new SignalRejected(`${what} is not JSON${position === undefined ? '' : ` (syntax error at position ${position})`}`);
  }
}

/** Bracket depth outside strings, stopping as soon as it passes `stopAbove`. Linear, no allocation. */
function maxNesting(text: string, stopAbove: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return deepest;
}
