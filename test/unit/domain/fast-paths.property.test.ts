// The assessment path's fast forms (bench/README.md "Assessment") against the straightforward computations they
// replaced, on random input: each must give exactly the same result, so the speed-up can never change a verdict,
// a cause, a reason, a storage field or a byte of an audit record.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { ARTIFACT_GC_FINALIZER, Assessment, GcEvidence, type JsonPatchOp } from '../../../src/domain/assessment.js';
import { effectiveStrategy, nodeArtifacts } from '../../../src/domain/artifacts.js';
import { formatDuration } from '../../../src/domain/duration.js';
import { type GcMachinery, readMachinery, strategyOf, taskReportsSuccess } from '../../../src/domain/gc-machinery.js';
import { CONDITION_GC_ERROR, type Nodes, type Snapshot } from '../../../src/domain/objects.js';
import { planFinalizerRemoval } from '../../../src/domain/patch.js';
import { assessRaw, parseSnapshot } from '../../../src/domain/snapshot.js';
import { parseTimestamp } from '../../../src/domain/timestamp.js';
import { NOW } from '../../fixtures/workflows.js';
import { quietPeriodMs, workflowSnapshot } from './arbitraries.js';

// Fixed seeds: a failure reproduces as it was seen.
const SEEDED = { numRuns: 2000, seed: 20261201 };
const snapshots = workflowSnapshot.map((raw) => parseSnapshot(raw));

describe('parseTimestamp is Date.parse', () => {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  /** The Kubernetes form with every field drawn across and beyond its range, and now and then a wrong character. */
  const kubernetesLike = fc
    .record({
      year: fc.integer({ min: 0, max: 9999 }),
      month: fc.integer({ min: 0, max: 13 }),
      day: fc.integer({ min: 0, max: 32 }),
      hour: fc.integer({ min: 0, max: 25 }),
      minute: fc.integer({ min: 0, max: 61 }),
      second: fc.integer({ min: 0, max: 61 }),
      flaw: fc.option(fc.record({ at: fc.nat(19), char: fc.constantFrom('x', ' ', '/', 't', 'z', '+', '.', '9', '-') }), { freq: 4 }),
    })
    .map(({ year, month, day, hour, minute, second, flaw }) => {
      const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}Z`;
      return flaw ? text.slice(0, flaw.at) + flaw.char + text.slice(flaw.at + 1) : text;
    });
  const anyTimestamp = fc.oneof(
    kubernetesLike,
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom('2026-06-01T08:01:00+02:00', '2026-06-01T08:01:00.5Z', '2026-06-01 08:01:00Z', '2026-06-01', 'Mon, 01 Jun 2026 08:01:00 GMT', ''),
    fc.string({ maxLength: 24 }),
  );

  it('on Kubernetes-style timestamps in and out of range, other ISO forms and arbitrary text', () => {
    fc.assert(
      fc.property(anyTimestamp, (text) => {
        expect(parseTimestamp(text)).toBe(Date.parse(text));
      }),
      { numRuns: 20_000, seed: 20261201 },
    );
  });

  it('on the edges of every field, and the Kubernetes form with something after it', () => {
    for (const text of ['0099-12-31T23:59:59Z', '0100-01-01T00:00:00Z', '2024-02-28T23:59:59Z', '2024-02-29T00:00:00Z', '2026-02-30T00:00:00Z', '2026-12-31T24:00:00Z', '9999-12-28T23:59:59Z', '2026-06-01T08:01:00Zx', '2026-06-01T08:01:00Z0', '2026-06-01T08:01:00Z ']) {
      expect([text, parseTimestamp(text)]).toEqual([text, Date.parse(text)]);
    }
  });

  it('reads the form Kubernetes writes without Date.parse, on every field from its first value to its last', () => {
    // The fast path is the point of the function (bench/README.md "Assessment"); a spy that keeps Date.parse working
    // shows which inputs take it, without measuring time. Its fields are drawn up to the bounds it claims, digits 0-9.
    const inRange = fc.record({
      year: fc.oneof(fc.constantFrom(100, 999, 1000, 1999, 9999), fc.integer({ min: 100, max: 9999 })),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      second: fc.integer({ min: 0, max: 59 }),
    });
    const edges = ['0100-01-01T00:00:00Z', '9999-12-28T23:59:59Z', '1999-09-19T19:49:59Z', '2026-10-20T10:30:09Z'];
    const parse = vi.spyOn(Date, 'parse');
    try {
      for (const text of edges) expect([text, parseTimestamp(text)]).toEqual([text, Date.UTC(Number(text.slice(0, 4)), Number(text.slice(5, 7)) - 1, Number(text.slice(8, 10)), Number(text.slice(11, 13)), Number(text.slice(14, 16)), Number(text.slice(17, 19)))]);
      fc.assert(
        fc.property(inRange, ({ year, month, day, hour, minute, second }) => {
          const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}Z`;
          expect(parseTimestamp(text)).toBe(Date.UTC(year, month - 1, day, hour, minute, second));
        }),
        { numRuns: 2000, seed: 20261201 },
      );
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });
});

describe("nodeArtifacts' one sort at the end is visiting the node ids sorted", () => {
  /** The nodes re-inserted in a drawn order, under ids of mixed case, length and digits, so map order is never sorted. */
  const shuffledNodes = fc.tuple(snapshots, fc.array(fc.nat(), { minLength: 6, maxLength: 6 }), fc.array(fc.constantFrom('', 'a', 'B', '10', '9', 'z-', '.'), { minLength: 6, maxLength: 6 }));

  it('gives the lists of the nodes judged one at a time, in sorted id order', () => {
    let compared = 0;
    fc.assert(
      fc.property(shuffledNodes, ([snap, order, prefixes]) => {
        const wf = snap.workflow;
        const entries = Object.entries(wf.status?.nodes ?? {});
        const drawn = entries.map((e, i) => ({ e, rank: order[i] ?? 0 })).sort((x, y) => x.rank - y.rank);
        const nodes: Nodes = Object.fromEntries(drawn.map(({ e: [id, node] }, i) => [`${prefixes[i] ?? ''}${id}`, node]));
        const machinery = readMachinery(snap);
        const success = (node: string, name: string) => taskReportsSuccess(machinery, node, name);
        const whole = nodeArtifacts(nodes, wf, success);
        const alone = Object.keys(nodes)
          .sort()
          .map((id) => nodeArtifacts({ [id]: nodes[id]! }, wf, success));
        compared += whole.pending.length;
        // The Workflow's own strategy is read once, not per artifact: still each artifact's effective strategy.
        for (const p of whole.pending) expect(p.strategy).toBe(effectiveStrategy(nodes[p.node]!.outputs!.artifacts!.find((a) => a.name === p.name)!, wf));
        expect(whole).toEqual({
          pending: alone.flatMap((a) => a.pending),
          suspectedDirectoryOrphans: alone.flatMap((a) => a.suspectedDirectoryOrphans),
          suspectedFromWorkflowAlone: alone.flatMap((a) => a.suspectedFromWorkflowAlone),
        });
      }),
      SEEDED,
    );
    expect(compared).toBeGreaterThan(500);
  });
});

/** readMachinery as it read before its loops were unrolled (entries, filters and maps, as the rules are written). */
function referenceMachinery(snapshot: Snapshot): GcMachinery {
  const gcStatus = snapshot.workflow.status?.artifactGCStatus ?? {};
  const recouped = gcStatus.podsRecouped ?? {};
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  return {
    pods: snapshot.pods
      .map((pod) => {
        const phase = pod.status?.phase ?? '';
        const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
        return {
          name: pod.metadata.name,
          phase: phase || 'Pending',
          state:
            phase === 'Succeeded' ? ('finished-ok' as const)
            : phase === 'Failed' ? ('finished-failed' as const)
            : phase === 'Pending' || phase === 'Running' || phase === '' ? ('active' as const)
            : ('unknown' as const),
          strategy: strategyOf(pod.metadata.annotations?.['workflows.argoproj.io/artifact-gc-strategy'], pod.metadata.name),
          recouped: recouped[pod.metadata.name] === true,
          reason: statuses.map((s) => s.state?.waiting?.reason).find((r): r is string => !!r) ?? pod.status?.reason ?? undefined,
          activity: [pod.metadata.creationTimestamp, ...statuses.map((s) => s.state?.terminated?.finishedAt ?? undefined)].filter((t): t is string => typeof t === 'string'),
        };
      })
      .sort(byName),
    tasks: snapshot.tasks
      .map((task) => ({
        name: task.metadata.name,
        strategy: strategyOf(undefined, task.metadata.name),
        results: new Map(
          Object.entries(task.status?.artifactResultsByNode ?? {}).flatMap(([nodeId, byNode]) =>
            Object.entries(byNode.artifactResults ?? {}).map(([name, r]) => [`${nodeId}/${r.name ?? name}`, { success: r.success ?? undefined, error: r.error ?? undefined }] as const),
          ),
        ),
      }))
      .sort(byName),
    gcErrorConditions: (snapshot.workflow.status?.conditions ?? []).filter((c) => c.type === CONDITION_GC_ERROR && c.status !== 'False').map((c) => c.message ?? CONDITION_GC_ERROR),
    strategiesProcessed: new Set(Object.entries(gcStatus.strategiesProcessed ?? {}).filter(([, v]) => v === true).map(([k]) => k)),
    recoupedPods: Object.entries(recouped)
      .filter(([, v]) => v === true)
      .map(([name]) => ({ name, strategy: strategyOf(undefined, name) }))
      .sort(byName),
  };
}

/** Waiting reasons and terminations on init and main containers, in any order: what podView's one pass reads. */
const containerStatuses = fc.array(
  fc.record({
    name: fc.constantFrom('init', 'main', 'wait'),
    state: fc.oneof(
      fc.record({ waiting: fc.record({ reason: fc.constantFrom('', 'ImagePullBackOff', 'CrashLoopBackOff') }) }),
      fc.record({ terminated: fc.record({ finishedAt: fc.constantFrom('2026-08-20T11:00:00Z', '2026-08-20T11:30:00Z') }) }),
      fc.constant({}),
    ),
  }),
  { maxLength: 3 },
);

describe('readMachinery is the straightforward reading', () => {
  it('on random Workflows, their GC pods (init and main containers) and tasks', () => {
    fc.assert(
      fc.property(workflowSnapshot, containerStatuses, containerStatuses, fc.option(fc.constantFrom('Evicted', 'NodeLost')), (raw, init, main, reason) => {
        const pods = raw.pods.map((p, i) =>
          i === 0 ? { ...p, status: { ...p.status, initContainerStatuses: init, containerStatuses: [...((p.status as { containerStatuses?: unknown[] }).containerStatuses ?? []), ...main], ...(reason ? { reason } : {}) } } : p,
        );
        const snap = parseSnapshot({ ...raw, pods });
        expect(readMachinery(snap)).toStrictEqual(referenceMachinery(snap));
      }),
      SEEDED,
    );
  });
});

describe('formatDuration is the list-and-join it was', () => {
  const reference = (ms: number): string => {
    if (!Number.isFinite(ms)) return String(ms);
    const sign = ms < 0 ? '-' : '';
    let rest = Math.abs(Math.round(ms));
    if (rest < 1_000) return `${sign}${rest}ms`;
    const parts: string[] = [];
    for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
      const n = Math.floor(rest / size);
      if (n > 0) parts.push(`${n}${unit}`);
      rest -= n * size;
      if (parts.length === 2) break;
    }
    return sign + parts.join('');
  };

  it('on durations from milliseconds to years, negative, fractional and not finite', () => {
    const ms = fc.oneof(fc.integer({ min: -400 * 86_400_000, max: 400 * 86_400_000 }), fc.double({ noNaN: false }), fc.constantFrom(0, 999.5, 1_000, 60_000, 3_600_000, 86_400_000, 90_061_000));
    fc.assert(
      fc.property(ms, (n) => {
        expect(formatDuration(n)).toBe(reference(n));
      }),
      { numRuns: 5000, seed: 20261201 },
    );
  });
});

describe('planFinalizerRemoval is the flatMap-and-reverse it was', () => {
  it('on any finalizer list, ours anywhere and any number of times', () => {
    const finalizers = fc.array(fc.constantFrom(ARTIFACT_GC_FINALIZER, 'foregroundDeletion', 'example.com/audit'), { maxLength: 6 });
    fc.assert(
      fc.property(finalizers, fc.option(fc.constant('uid-1'), { nil: undefined }), (list, uid) => {
        const meta = { uid, resourceVersion: '7', finalizers: list };
        const indices = list.flatMap((f, i) => (f === ARTIFACT_GC_FINALIZER ? [i] : [])).reverse();
        const expected: JsonPatchOp[] | undefined =
          indices.length === 0 || !uid
            ? undefined
            : [
                { op: 'test', path: '/metadata/uid', value: uid },
                { op: 'test', path: '/metadata/resourceVersion', value: '7' },
                ...indices.map((i): JsonPatchOp => ({ op: 'test', path: `/metadata/finalizers/${i}`, value: ARTIFACT_GC_FINALIZER })),
                ...indices.map((i): JsonPatchOp => ({ op: 'remove', path: `/metadata/finalizers/${i}` })),
              ];
        expect(planFinalizerRemoval(meta)).toStrictEqual(expected);
      }),
      SEEDED,
    );
  });
});

describe('assessments are built field by field in the schema order', () => {
  // Audit records and Slack payloads serialise the keys in this order: building by assignment must not reorder them.
  const inOrder = (keys: string[], schema: string[]) => keys.every((k, i) => i === 0 || schema.indexOf(keys[i - 1]!) < schema.indexOf(k));

  it('for the assessment, its Workflow reference and its evidence (random Workflows, with and without argoVersion)', () => {
    fc.assert(
      fc.property(workflowSnapshot, quietPeriodMs, fc.constantFrom(undefined, 'v4.1.3'), (snap, qp, argoVersion) => {
        const a = assessRaw(snap, { now: NOW, quietPeriodMs: qp, argoVersion });
        expect(inOrder(Object.keys(a), Object.keys(Assessment.shape))).toBe(true);
        expect(Object.keys(a.workflow)).toEqual(['namespace', 'name', ...(a.workflow.uid ? ['uid'] : [])]);
        expect(inOrder(Object.keys(a.evidence), Object.keys(GcEvidence.shape))).toBe(true);
      }),
      SEEDED,
    );
  });
});
