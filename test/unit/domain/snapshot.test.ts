// The boundary between what was read (a cluster's objects, a file, `kubectl get -o json`) and the rules: which
// objects belong to one Workflow's snapshot, and the message a bad object gets. Example (b) throughout.
import { describe, expect, it } from 'vitest';
import { InvalidSnapshotError, parseSnapshot, snapshotsFromObjects } from '../../../src/domain/snapshot.js';
import { etlWorkflow, gcPod, gcTask, NOW } from '../../fixtures/workflows.js';

type Obj = Record<string, any>;
const NODE = 'etl-run-q8h2d';
const names = (list: { metadata: { name: string } }[] | unknown[] | undefined) => (list ?? []).map((o) => (o as Obj).metadata.name);
const fact = { storage: { driver: 's3', bucket: 'data-artifacts', key: 'etl/report.csv' }, exists: false, checkedAt: NOW.toISOString() };

/** A Workflow that is another one's child: an ownerReference to the parent's uid. */
function childOf(parent: Obj, name: string): Obj {
  const child = etlWorkflow();
  child.metadata.name = name;
  child.metadata.uid = `${name}-uid`;
  child.metadata.ownerReferences = [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: parent.metadata.name, uid: parent.metadata.uid }];
  return child;
}

describe('parseSnapshot', () => {
  it('keeps every GC pod of this Workflow, and only those: not its step pods, not another Workflow\'s GC pods', () => {
    const wf = etlWorkflow();
    const mine = gcPod(wf, { strategy: 'wfdel', phase: 'Succeeded', createdMinutesAgo: 200, finishedMinutesAgo: 199 });
    const mineToo = gcPod(wf, { strategy: 'wfcomp', phase: 'Running', createdMinutesAgo: 5 });
    const step = { kind: 'Pod', metadata: { name: `${NODE}-main-1`, labels: { 'workflows.argoproj.io/workflow': NODE } }, status: { phase: 'Running' } };
    const other = gcPod({ metadata: { name: 'other-wf', namespace: wf.metadata.namespace } }, { strategy: 'wfdel', phase: 'Running', createdMinutesAgo: 5 });
    const unlabelled = { kind: 'Pod', metadata: { name: `${NODE}-artgc-wfdel-1` }, status: { phase: 'Running' } };
    const snap = parseSnapshot({ workflow: wf, pods: [step, mine, other, unlabelled, mineToo] });
    expect(names(snap.pods)).toEqual([mine.metadata.name, mineToo.metadata.name]);
  });

  it('reads absent lists as empty, and adds children and bucket facts only when there are some', () => {
    const wf = etlWorkflow();
    const bare = parseSnapshot({ workflow: wf });
    expect(bare).toEqual({ workflow: bare.workflow, pods: [], tasks: [] });
    expect(Object.keys(parseSnapshot({ workflow: wf, children: [], bucketFacts: [] }))).toEqual(['workflow', 'pods', 'tasks', 'bucketFacts']);
    const full = parseSnapshot({ workflow: wf, tasks: [gcTask(wf, 'wfdel')], children: [childOf(wf, 'kid')], bucketFacts: [fact] });
    expect([names(full.tasks), names(full.children), full.bucketFacts]).toEqual([[`${NODE}-artgc-wfdel-2166136261-0`], ['kid'], [fact]]);
  });

  it('names the object that is wrong: which list, its position, its namespace/name, the field and what is wrong', () => {
    const wf = etlWorkflow();
    const ok = gcPod(wf, { strategy: 'wfdel', phase: 'Succeeded', createdMinutesAgo: 200 });
    const bad = { ...gcPod(wf, { strategy: 'wfdel', phase: 'Running', createdMinutesAgo: 5 }), status: { phase: 7 } };
    const error = (raw: Parameters<typeof parseSnapshot>[0]) => {
      try {
        parseSnapshot(raw);
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidSnapshotError);
        return (e as Error).message;
      }
      throw new Error('expected parseSnapshot to refuse it');
    };
    expect(error({ workflow: wf, pods: [ok, bad] })).toMatch(/^pod #2 data\/etl-run-q8h2d-artgc-wfdel-2166136261 is not valid at status\.phase: Invalid input: expected string, received number$/);
    expect(error({ workflow: wf, tasks: [gcTask(wf, 'wfdel'), { kind: 'WorkflowArtifactGCTask', metadata: { name: 't' }, status: { artifactResultsByNode: 1 } }] })).toMatch(/^WorkflowArtifactGCTask #2 t is not valid at status\.artifactResultsByNode: /);
    expect(error({ workflow: wf, children: [{ kind: 'Workflow', metadata: { namespace: 'data' } }] })).toMatch(/^child Workflow #1 is not valid at metadata\.name: /);
    expect(error({ workflow: wf, bucketFacts: [fact, { ...fact, checkedAt: 'yesterday' }] })).toMatch(/^bucket fact #2 is not valid at checkedAt: /);
    // Not an object at all: no name to give, no field to point at.
    expect(error({ workflow: wf, pods: [null] })).toMatch(/^pod #1 is not valid: Invalid input: expected object, received null$/);
    expect(error({ workflow: 'etl-run-q8h2d' })).toMatch(/^Workflow is not valid: /);
    expect(error({ workflow: { kind: 'Workflow', metadata: { name: 'x', namespace: 3 }, status: { phase: 1 } } })).toMatch(/^Workflow x is not valid at metadata\.namespace: /);
  });
});

describe('every level of the objects the rules read is typed: an ill-typed field anywhere is refused, by its path', () => {
  const node = (wf: Obj) => wf.status.nodes[NODE];
  const cases: [string, (o: { wf: Obj; pod: Obj; task: Obj }) => void, RegExp][] = [
    ['an ownerReference', ({ wf }) => (wf.metadata.ownerReferences = [{ kind: 'Workflow', uid: 5 }]), /^Workflow data\/etl-run-q8h2d is not valid at metadata\.ownerReferences\.0\.uid: /],
    ["the Workflow's artifactGC", ({ wf }) => (wf.spec.artifactGC.forceFinalizerRemoval = 'yes'), /at spec\.artifactGC\.forceFinalizerRemoval: /],
    ['spec itself', ({ wf }) => (wf.spec.artifactGC = 'Never'), /at spec\.artifactGC: /],
    ['an output artifact', ({ wf }) => (node(wf).outputs.artifacts[0].deleted = 'true'), new RegExp(`at status\\.nodes\\.${NODE}\\.outputs\\.artifacts\\.0\\.deleted: `)],
    ['a node', ({ wf }) => (node(wf).type = 1), new RegExp(`at status\\.nodes\\.${NODE}\\.type: `)],
    ["a node's templateRef", ({ wf }) => (node(wf).templateRef = { name: 'wft', template: 1 }), /\.templateRef\.template: /],
    ["a node's outputs", ({ wf }) => (node(wf).outputs = { artifacts: 'report' }), /\.outputs\.artifacts: /],
    ['a condition', ({ wf }) => wf.status.conditions.push({ type: 'ArtifactGCError', status: 'True', message: 403 }), /at status\.conditions\.\d+\.message: /],
    ['the status', ({ wf }) => (wf.status.finishedAt = 1_787_000_000), /at status\.finishedAt: /],
    ['the artifact repository reference', ({ wf }) => (wf.status.artifactRepositoryRef = { artifactRepository: 's3' }), /at status\.artifactRepositoryRef\.artifactRepository: /],
    ['artifactGCStatus', ({ wf }) => (wf.status.artifactGCStatus.podsRecouped = { [`${NODE}-artgc-wfdel-1`]: 'yes' }), /at status\.artifactGCStatus\.podsRecouped\./],
    ["a container's state", ({ pod }) => (pod.status.containerStatuses[0].state = { waiting: 'ImagePullBackOff' }), /^pod #1 data\/etl-run-q8h2d-artgc-wfdel-2166136261 is not valid at status\.containerStatuses\.0\.state\.waiting: /],
    ['a termination', ({ pod }) => (pod.status.containerStatuses[0].state = { terminated: { finishedAt: 17 } }), /at status\.containerStatuses\.0\.state\.terminated\.finishedAt: /],
    ['a waiting state', ({ pod }) => (pod.status.containerStatuses[0].state = { waiting: { reason: 17 } }), /at status\.containerStatuses\.0\.state\.waiting\.reason: /],
    ['a running state', ({ pod }) => (pod.status.containerStatuses[0].state = { running: { startedAt: 17 } }), /at status\.containerStatuses\.0\.state\.running\.startedAt: /],
    ['a container status', ({ pod }) => (pod.status.containerStatuses[0].name = 1), /at status\.containerStatuses\.0\.name: /],
    ['an init container status', ({ pod }) => (pod.status.initContainerStatuses = [{ name: 'init', state: { terminated: { finishedAt: 17 } } }]), /at status\.initContainerStatuses\.0\.state\.terminated\.finishedAt: /],
    ['a task result', ({ task }) => (task.status.artifactResultsByNode[NODE].artifactResults.report.success = 'true'), new RegExp(`^WorkflowArtifactGCTask #1 data/etl-run-q8h2d-artgc-wfdel-2166136261-0 is not valid at status\\.artifactResultsByNode\\.${NODE}\\.artifactResults\\.report\\.success: `)],
    ["a task's results by node", ({ task }) => (task.status.artifactResultsByNode[NODE].artifactResults = 'report'), /\.artifactResults: /],
    ["a task's spec", ({ task }) => (task.spec = { artifactsByNode: 'all' }), /at spec\.artifactsByNode: /],
    ["a task's artifacts by node", ({ task }) => (task.spec = { artifactsByNode: { [NODE]: { artifacts: ['report'] } } }), /at spec\.artifactsByNode\.[^.]+\.artifacts: /],
  ];
  it.each(cases)('%s', (_what, spoil, message) => {
    const wf = etlWorkflow();
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Failed', createdMinutesAgo: 200, finishedMinutesAgo: 199 });
    const task = gcTask(wf, 'wfdel', { [NODE]: { report: { success: false, error: 'Access Denied' } } });
    expect(() => parseSnapshot({ workflow: wf, pods: [pod], tasks: [task] })).not.toThrow();
    spoil({ wf, pod, task });
    expect(() => parseSnapshot({ workflow: wf, pods: [pod], tasks: [task] })).toThrow(message);
  });

  it('a bucket fact checked at a time with an offset is read, like one in UTC', () => {
    expect(parseSnapshot({ workflow: etlWorkflow(), bucketFacts: [{ ...fact, checkedAt: '2026-08-20T14:00:00+02:00' }] }).bucketFacts).toHaveLength(1);
  });
});

describe('snapshotsFromObjects (what `kubectl get wf,pods,wfat -o json` prints)', () => {
  /** Two Workflows of the same name in two namespaces, each with a GC pod and a task, and a child of the first. */
  function cluster() {
    const wf = etlWorkflow();
    const twin = etlWorkflow();
    twin.metadata.namespace = 'staging';
    twin.metadata.uid = 'twin-uid';
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Failed', createdMinutesAgo: 200 });
    const twinPod = gcPod(twin, { strategy: 'wfdel', phase: 'Running', createdMinutesAgo: 5 });
    const task = gcTask(wf, 'wfdel');
    const twinTask = gcTask(twin, 'wfdel');
    twinTask.metadata.name = 'twin-task-0';
    const child = childOf(wf, 'etl-run-q8h2d-child');
    return { wf, twin, pod, twinPod, task, twinTask, child };
  }

  it('gives each Workflow its own pods (namespace and label), tasks and children (ownerReference uid and kind)', () => {
    const { wf, twin, pod, twinPod, task, twinTask, child } = cluster();
    const event = { kind: 'Event', metadata: { name: 'e1', namespace: 'data' } };
    // Any other pod of the namespace, without a single label: `kubectl get pods` lists it too.
    const unlabelled = { kind: 'Pod', metadata: { name: 'db-0', namespace: 'data' } };
    const snaps = snapshotsFromObjects([wf, event, unlabelled, pod, twin, twinPod, task, twinTask, child]);
    expect(snaps.map((s) => [(s.workflow as Obj).metadata.namespace, (s.workflow as Obj).metadata.name, names(s.pods), names(s.tasks), names(s.children)])).toEqual([
      ['data', NODE, [pod.metadata.name], [task.metadata.name], ['etl-run-q8h2d-child']],
      ['staging', NODE, [twinPod.metadata.name], ['twin-task-0'], []],
      ['data', 'etl-run-q8h2d-child', [], [], []],
    ]);
    // The split is what assess then reads: the first Workflow's failed GC pod, not its twin's running one.
    expect(parseSnapshot(snaps[0]!).pods.map((p) => p.status?.phase)).toEqual(['Failed']);
  });

  it('a task or child is owned only through a Workflow ownerReference with that uid', () => {
    const { wf, task, child } = cluster();
    const byPod = { ...task, metadata: { ...task.metadata, name: 'owned-by-pod-0', ownerReferences: [{ kind: 'Pod', name: 'x', uid: wf.metadata.uid }] } };
    const byOther = { ...task, metadata: { ...task.metadata, name: 'owned-by-other-0', ownerReferences: [{ kind: 'Workflow', name: 'x', uid: 'another-uid' }] } };
    const unowned = { ...task, metadata: { ...task.metadata, name: 'unowned-0', ownerReferences: undefined } };
    const elsewhere = { ...task, metadata: { ...task.metadata, name: 'elsewhere-0', namespace: 'staging' } };
    const [snap] = snapshotsFromObjects([wf, byPod, byOther, unowned, elsewhere, task, child]);
    expect([names(snap!.tasks), names(snap!.children)]).toEqual([[task.metadata.name], ['etl-run-q8h2d-child']]);
    // Among several ownerReferences, the Workflow's counts wherever it is.
    const shared = { ...task, metadata: { ...task.metadata, name: 'shared-0', ownerReferences: [{ kind: 'ConfigMap', uid: 'cm' }, ...task.metadata.ownerReferences] } };
    expect(names(snapshotsFromObjects([wf, shared])[0]!.tasks)).toEqual(['shared-0']);
  });

  it('a Workflow without a uid owns nothing, and no Workflow is its own child', () => {
    const { wf, task, child } = cluster();
    delete wf.metadata.uid;
    // An ownerReference without a uid matches a Workflow without one only by accident: never.
    const noUid = { ...child, metadata: { ...child.metadata, ownerReferences: [{ kind: 'Workflow', name: NODE }] } };
    const [snap] = snapshotsFromObjects([wf, task, noUid]);
    expect([names(snap!.tasks), names(snap!.children)]).toEqual([[], []]);
    const selfish = etlWorkflow();
    selfish.metadata.ownerReferences = [{ kind: 'Workflow', name: NODE, uid: selfish.metadata.uid }];
    expect(names(snapshotsFromObjects([selfish])[0]!.children)).toEqual([]);
  });

  it('refuses an item without a kind, naming its position; other kinds are ignored', () => {
    const { wf } = cluster();
    expect(() => snapshotsFromObjects([wf, { metadata: { name: 'x' } }])).toThrow(new InvalidSnapshotError('item #2 has no kind'));
    expect(() => snapshotsFromObjects([null])).toThrow(new InvalidSnapshotError('item #1 has no kind'));
    expect(() => snapshotsFromObjects([{ kind: 7 }])).toThrow(/item #1 has no kind/);
    expect(snapshotsFromObjects([{ kind: 'ConfigMap', metadata: { name: 'c' } }])).toEqual([]);
  });
});
