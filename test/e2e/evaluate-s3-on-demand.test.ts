// The S3 SDK is in a chunk of the evaluate bundle that only the removal path loads (src/runtime/aws.ts, the
// import() of src/runtime/aws-s3.ts; serverless.yml: format esm, splitting): what keeps issue 12's evidence
// bundle out of every cold start. Proven on the real bundle (built as the functions are, bench/lambda-build.ts)
// run as Lambda runs it, against the local API server and moto: a run whose bundle lacks the chunk succeeds as
// long as it only notifies, so it never read the file; a removal in the same run fails before any PATCH; with the
// chunk, the removal stores its evidence bundle and its intent record, and only then sends its PATCH.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { workflow } from '../../src/demo/builders.js';
import type { RecordedRequest } from '../../src/local/apiserver/pipeline.js';
import { evaluateBundle, evaluateBundleWithout, runEvaluateChild } from '../helpers/evaluate-child.js';
import { type EvaluateWorld, useEvaluateWorld } from '../helpers/evaluate-world.js';
import { withMoto } from '../helpers/moto.js';

const fx = withMoto();
const NOW = new Date();
/** The chunk esbuild names after src/runtime/aws-s3.ts. */
const S3_CHUNK = /^aws-s3-[A-Z0-9]+\.mjs$/;
let world: EvaluateWorld;

/** GC failed on an artifact still in its bucket, no force declared: evaluate notifies, it removes nothing. */
const pending = (name: string) =>
  workflow({ name, namespace: 'argo', uid: `uid-${name}`, now: NOW, finishedMinutesAgo: 180, deletionMinutesAgo: 120, strategy: 'OnWorkflowDeletion', artifacts: [{ name: 'out', key: `runs/${name}/out.bin` }] });
/** Forced with a pending artifact, being deleted: evaluate removes the finalizer (and records the orphan). */
const forced = (name: string) =>
  workflow({ name, namespace: 'sandbox', uid: `uid-${name}`, now: NOW, finishedMinutesAgo: 100, deletionMinutesAgo: 60, strategy: 'OnWorkflowDeletion', forceFinalizerRemoval: true, artifacts: [{ name: 'out', key: `scratch/${name}/out.bin` }], strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });

const patches = () => world.server.requests.filter((r) => r.method === 'PATCH');
/** Keys of the objects S3 stored so far (the test's own audit step writes the final records). */
const storedKeys = () => fx.moto.callsTo('S3.PUT').filter((c) => c.status === 200).map((c) => decodeURIComponent(c.path.split('?')[0]!).replace(/^\/afr-audit\//, ''));
const evidenceOrIntent = (key: string) => key.startsWith('evidence/') || key.endsWith('.intent.json');

async function evaluate(workflows: Record<string, any>[], bundle?: string) {
  for (const wf of workflows) world.server.store.put(wf);
  await world.signal(workflows);
  const batch = await world.receive();
  expect(batch?.Records).toHaveLength(workflows.length);
  const answer = await (await runEvaluateChild(batch!, world.env, 60_000, bundle)).done;
  if (answer === 'killed') throw new Error('the child was not killed, yet gave no answer');
  await world.audit();
  const failed = answer.batchItemFailures.map((f) => f.itemIdentifier);
  const nameOf = (body: string) => workflows.map((wf) => wf['metadata'].name as string).find((n) => body.includes(`"${n}"`));
  const names = Object.fromEntries(batch!.Records.map((r) => [r.messageId, nameOf(r.body)]));
  return { failed: failed.map((id) => names[id]) };
}

useEvaluateWorld(fx, (w) => (world = w));

describe('the evaluate bundle loads the S3 SDK on the removal path only', () => {
  it('is built with the S3 client in its own chunk, which the entry does not import statically', async () => {
    const entry = await evaluateBundle();
    const { dropped } = await evaluateBundleWithout(S3_CHUNK);
    expect(dropped).toHaveLength(1);
    const chunk = readFileSync(`${entry.replace(/\.mjs$/, '.chunks')}/${dropped[0]}`, 'utf8');
    expect(chunk).toContain('PutObjectCommand');
    expect(readFileSync(entry, 'utf8')).not.toContain('PutObjectCommand');
  }, 60_000);

  it('notifies without the chunk: a cold start and an evaluation that removes nothing never read it', async () => {
    const { entry } = await evaluateBundleWithout(S3_CHUNK);
    const { failed } = await evaluate([pending('notify-a'), pending('notify-b')], entry);
    expect(failed).toEqual([]);
    const finals = await world.finals();
    expect(finals.map((d) => [d.workflow.name, d.verdict]).sort()).toEqual([
      ['notify-a', 'notify'],
      ['notify-b', 'notify'],
    ]);
    expect(patches()).toEqual([]);
    expect(storedKeys().filter(evidenceOrIntent)).toEqual([]);
  }, 120_000);

  it('without the chunk a removal fails its record before any PATCH, and the notifications beside it still go out', async () => {
    const { entry } = await evaluateBundleWithout(S3_CHUNK);
    const { failed } = await evaluate([forced('remove-a'), pending('notify-c')], entry);
    expect(failed).toEqual(['remove-a']);
    expect(patches()).toEqual([]);
    expect((await world.finals()).map((d) => d.workflow.name)).toEqual(['notify-c']);
  }, 120_000);

  it('with the chunk a removal stores its evidence bundle and intent record in the bucket, then sends its PATCH', async () => {
    // What S3 had answered when each PATCH arrived at the API server (requests are recorded on arrival).
    const seenAtPatch: string[][] = [];
    const requests = world.server.requests;
    const push = requests.push.bind(requests);
    requests.push = (...items: RecordedRequest[]) => {
      for (const r of items) if (r.method === 'PATCH') seenAtPatch.push(storedKeys());
      return push(...items);
    };
    const { failed } = await evaluate([forced('remove-b'), pending('notify-d')]);
    expect(failed).toEqual([]);
    expect(patches().filter((p) => p.status === 200).map((p) => p.path)).toEqual(['/apis/argoproj.io/v1alpha1/namespaces/sandbox/workflows/remove-b']);
    const [removal] = (await world.finals()).filter((d) => d.action === 'removed');
    expect(removal).toMatchObject({ workflow: { name: 'remove-b' }, evidenceKey: expect.stringMatching(/^evidence\//), intentKey: expect.stringMatching(/\.intent\.json$/) });
    expect(seenAtPatch).toHaveLength(1);
    const stored = seenAtPatch[0]!;
    expect(stored).toContain(`${removal!.evidenceKey}manifest.json`);
    expect(stored).toContain(removal!.intentKey);
    expect(stored).toContain(`${removal!.evidenceKey}workflow.json`);
  }, 120_000);
});
