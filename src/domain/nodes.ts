import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import { Nodes, type Workflow } from './objects.js';

export type NodesReading =
  | { readable: true; nodes: Nodes; source: 'status.nodes' | 'status.compressedNodes' | 'none' }
  | { readable: false; reason: string };

/** Decompressed node status above this is refused rather than risking the function's memory. */
const MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/**
 * The nodes the artifact rules need. Unreadable nodes are a verdict of their own (nodes-unavailable): without
 * them nobody can prove the artifacts are gone, so the finalizer must never be removed blind.
 */
export function readNodes(workflow: Workflow): NodesReading {
  const status = workflow.status ?? {};
  const plain = status.nodes ?? undefined;
  if (plain && Object.keys(plain).length > 0) return { readable: true, nodes: plain, source: 'status.nodes' };
  if (status.compressedNodes) return decodeCompressed(status.compressedNodes);
  if (status.offloadNodeStatusVersion) {
    return {
      readable: false,
      reason: `node status is offloaded (offloadNodeStatusVersion ${status.offloadNodeStatusVersion}) and was not hydrated`,
    };
  }
  return { readable: true, nodes: {}, source: 'none' };
}

function decodeCompressed(encoded: string): NodesReading {
  // Never throws: Buffer.from skips what is not base64, and what is left then fails to decompress.
  const bytes = Buffer.from(encoded, 'base64');
  let json: Buffer;
  try {
    json = decompress(bytes);
  } catch (err) {
    return { readable: false, reason: `compressedNodes could not be decompressed: ${(err as Error).message}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch {
    return { readable: false, reason: 'compressedNodes does not hold JSON' };
  }
  const nodes = Nodes.safeParse(parsed);
  if (!nodes.success) return { readable: false, reason: 'compressedNodes does not hold a node map' };
  return { readable: true, nodes: nodes.data, source: 'status.compressedNodes' };
}

function decompress(bytes: Buffer): Buffer {
  const opts = { maxOutputLength: MAX_DECOMPRESSED_BYTES };
  if (startsWith(bytes, GZIP_MAGIC)) return gunzipSync(bytes, opts);
  if (startsWith(bytes, ZSTD_MAGIC)) {
    // zstd is in node:zlib from Node 22.15; on older runtimes the nodes stay unreadable rather than guessed.
    const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer, o: object) => Buffer }).zstdDecompressSync;
    if (!zstd) throw new Error('zstd is not supported by this Node.js runtime');
    return zstd(bytes, opts);
  }
  // Brotli has no magic bytes; Argo falls back to it, and so do we.
  return brotliDecompressSync(bytes, opts);
}

function startsWith(bytes: Buffer, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}
