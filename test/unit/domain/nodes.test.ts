import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readNodes } from '../../../src/domain/nodes.js';
import { Workflow } from '../../../src/domain/objects.js';
import { compressNodes, etlWorkflow } from '../../fixtures/workflows.js';

// Where the artifact rules get their nodes from: status.nodes, else status.compressedNodes (gzip, zstd or brotli),
// else nothing to read. Unreadable nodes are a verdict of their own (nodes-unavailable), so each way of being
// unreadable must say so and never read as "no nodes, nothing pending".
type Status = Record<string, unknown>;
const workflowWith = (status: (nodes: Status) => Status) => {
  const wf = etlWorkflow();
  const nodes = wf.status.nodes as Status;
  delete wf.status.nodes;
  Object.assign(wf.status, status(nodes));
  return Workflow.parse(wf);
};
const base64 = (b: Buffer) => b.toString('base64');

describe('readNodes', () => {
  it('reads status.nodes, and falls to compressedNodes when status.nodes is empty', () => {
    const plain = workflowWith((nodes) => ({ nodes }));
    expect(readNodes(plain)).toMatchObject({ readable: true, source: 'status.nodes' });
    const emptyPlain = workflowWith((nodes) => ({ nodes: {}, compressedNodes: compressNodes(nodes) }));
    const r = readNodes(emptyPlain);
    expect(r).toMatchObject({ readable: true, source: 'status.compressedNodes' });
    expect(r.readable && Object.keys(r.nodes)).toEqual(Object.keys((readNodes(plain) as { nodes: object }).nodes));
  });

  it('a Workflow whose status holds no nodes at all has none to read (no node ran), and that is readable', () => {
    expect(readNodes(workflowWith(() => ({})))).toEqual({ readable: true, nodes: {}, source: 'none' });
    expect(readNodes(Workflow.parse({ ...etlWorkflow(), status: undefined }))).toEqual({ readable: true, nodes: {}, source: 'none' });
  });

  it('offloaded nodes nobody hydrated are unreadable, naming the offload version', () => {
    expect(readNodes(workflowWith(() => ({ offloadNodeStatusVersion: 'fnv:1385638402' })))).toEqual({
      readable: false,
      reason: 'node status is offloaded (offloadNodeStatusVersion fnv:1385638402) and was not hydrated',
    });
  });

  it('says why compressedNodes could not be read: not compressed, not JSON, not a node map', () => {
    const reading = (compressedNodes: string) => readNodes(workflowWith(() => ({ compressedNodes })));
    const garbage = reading(base64(Buffer.from('definitely not compressed')));
    expect(garbage.readable).toBe(false);
    expect(!garbage.readable && garbage.reason).toMatch(/^compressedNodes could not be decompressed: ./);
    expect(reading(base64(gzipSync('{"not json')))).toEqual({ readable: false, reason: 'compressedNodes does not hold JSON' });
    for (const notAMap of ['[1,2]', '"text"', '{"wf-1": 3}', 'null']) {
      expect(reading(base64(gzipSync(notAMap))), notAMap).toEqual({ readable: false, reason: 'compressedNodes does not hold a node map' });
    }
  });

  it('reads zstd where the runtime has it (Node 22.15 and later), and refuses to guess where it does not', async () => {
    const zlib = (await import('node:zlib')) as unknown as { zstdCompressSync?: (b: Buffer) => Buffer };
    const json = Buffer.from(JSON.stringify(etlWorkflow().status.nodes));
    const frame = zlib.zstdCompressSync ? zlib.zstdCompressSync(json) : Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), json]);
    const r = readNodes(workflowWith(() => ({ compressedNodes: base64(frame) })));
    if (zlib.zstdCompressSync) expect(r).toMatchObject({ readable: true, source: 'status.compressedNodes' });
    else expect(r).toEqual({ readable: false, reason: 'compressedNodes could not be decompressed: zstd is not supported by this Node.js runtime' });
    // Not zstd after all: the frame's magic bytes promise what the rest does not keep.
    const fake = readNodes(workflowWith(() => ({ compressedNodes: base64(Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), json])) })));
    expect(fake.readable).toBe(false);
  });

  it('refuses node status that decompresses past 64 MiB rather than risking the memory', () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024 + 1, 0x20), { level: 1 });
    const r = readNodes(workflowWith(() => ({ compressedNodes: base64(bomb) })));
    expect(r.readable).toBe(false);
    expect(!r.readable && r.reason).toMatch(/^compressedNodes could not be decompressed: /);
  });

  it('reads brotli whose first byte happens to be gzip\'s (both magic bytes must match to be gzip)', () => {
    const nodes = etlWorkflow().status.nodes;
    const frame = brotliCompressSync(Buffer.from(JSON.stringify(nodes)), {
      params: { [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_QUALITY]: 5 },
    });
    expect([frame[0], frame[1]]).toEqual([0x1f, expect.not.toSatisfy((b: number) => b === 0x8b)]);
    expect(readNodes(workflowWith(() => ({ compressedNodes: base64(frame) })))).toMatchObject({ readable: true, source: 'status.compressedNodes' });
  });
});
