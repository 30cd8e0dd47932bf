// What the assess rows judge: the demo mix (src/demo/seed.ts) and one Workflow of 5,000 nodes. One definition, for
// bench/run.ts and for the A/B child (bench/assess-child.ts), so both measure the same objects.
import { gcPod, workflow } from '../src/demo/builders.js';

/** One Pod node each, 1 in 7 with an artifact not yet deleted, and a failed GC pod: GC failed on a wide fan-out. */
export function bigWorkflowSnapshot(now: Date) {
  const big = workflow({ name: 'fan-out-5000', namespace: 'argo', uid: 'big', now, finishedMinutesAgo: 120, deletionMinutesAgo: 90, strategy: 'OnWorkflowDeletion', strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });
  for (let i = 0; i < 5_000; i++) {
    big.status.nodes[`fan-out-5000-${i}`] = { id: `fan-out-5000-${i}`, name: `fan-out-5000.step(${i})`, type: 'Pod', phase: 'Succeeded', outputs: { artifacts: [{ name: 'out', s3: { key: `fan/${i}/out.bin` }, deleted: i % 7 !== 0 }, { name: 'main-logs', s3: { key: `fan/${i}/main.log` }, deleted: true }] } };
  }
  return { workflow: big, pods: [gcPod(big, { strategy: 'wfdel', phase: 'Failed', now, createdMinutesAgo: 80, finishedMinutesAgo: 79 })], tasks: [] };
}
