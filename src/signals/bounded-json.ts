import { SignalRejected } from './rejected.js';

/** EventBridge entries and default SQS messages are capped at 256 KiB; nothing legitimate is larger. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
/** An EnhancedEvent nests 4 deep and a Workflow body about 20; deeper input is hostile or broken. */
export const MAX_JSON_DEPTH = 64;

export interface JsonLimits {
  maxBytes?: number;
  maxDepth?: number;
}

/**
 * JSON.parse with the size and nesting limits checked first, so a hostile payload costs one linear scan
 * and never a deep recursion or a large allocation in a consumer. `what` names the text in the reason.
 */
export function parseBoundedJson(text: string, what = 'input', limits: JsonLimits = {}): unknown {
  const maxBytes = limits.maxBytes ?? MAX_PAYLOAD_BYTES;
  const maxDepth = limits.maxDepth ?? MAX_JSON_DEPTH;
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw new SignalRejected(`${what} is larger than ${formatBytes(maxBytes)}`);
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new SignalRejected(`${what} is empty, expected a JSON object`);
  const depth = maxNesting(body, maxDepth);
  if (depth > maxDepth) throw new SignalRejected(`${what} nests deeper than ${maxDepth} levels`);
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

function formatBytes(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}
