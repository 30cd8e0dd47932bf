// npx tsx bench/render-dashboard.ts [OUT.svg]: draws the CloudWatch dashboard's stuck-Workflow widgets
// (serverless.yml, RemediatorDashboard) from demo data, to docs/dashboard.svg. It is a rendering of demo data,
// not a screenshot of CloudWatch: the real sweep, with the real metrics port, runs over a generated fleet
// (bench/fleet.ts) on the local API server at simulated times, 15 minutes apart for 12 hours, light passes
// with a full pass every hour; at hour 6 the removable Workflows are let go, as the remediator would.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fleet, type FleetMember } from './fleet.js';
import { parseConfig } from '../src/config/load.js';
import { KubeClusterPort } from '../src/kube/cluster-port.js';
import { startApiServer } from '../src/local/apiserver/index.js';
import { WORKFLOWS } from '../src/local/apiserver/resources.js';
import { sweep, type SweepPass } from '../src/sweep/sweep.js';
import { kubeConfigFor } from '../test/helpers/apiserver.js';

type Point = { t: number; value: number };
const OUT = process.argv[2] ?? join(import.meta.dirname, '../docs/dashboard.svg');
const START = new Date('2026-11-30T06:00:00Z');
const series = new Map<string, Point[]>();
const push = (key: string, t: number, value: number) => {
  const s = series.get(key) ?? [];
  s.push({ t, value });
  series.set(key, s);
};

const server = await startApiServer();
const members: FleetMember[] = [...fleet({ count: 600, now: START, seed: 11, realistic: false })];
for (const m of members) server.store.create(WORKFLOWS, m.object as never, { keepSystemFields: true });
const config = parseConfig({ clusters: [{ name: 'demo', auth: { type: 'token', server: server.url, token: server.token, skipTLSVerify: true }, maxRemovalsPerSweep: 1000 }] }, 'render');
const port = new KubeClusterPort(kubeConfigFor(server));

for (let step = 0; step <= 48; step++) {
  const now = new Date(START.getTime() + step * 15 * 60_000);
  const pass: SweepPass = step % 4 === 0 ? 'full' : 'light';
  if (step === 24) {
    // The remediator's removals: the finalizer of every removable stuck Workflow goes, and the object with it.
    for (const m of members.filter((x) => x.state === 'terminating-stuck' || x.state === 'terminating-forced')) {
      const meta = m.object['metadata'] as { namespace: string; name: string };
      server.store.mutate({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', namespace: meta.namespace, name: meta.name }, (obj) => {
        obj.metadata.finalizers = [];
      });
    }
  }
  await sweep({
    config, pass, clock: () => now, portFor: () => port,
    queue: { send: async () => {} }, publisher: { publish: async () => {} },
    metrics: {
      count(name, dims, value = 1) {
        if (pass !== 'full' && name !== 'TerminatingWithFinalizer') return; // widgets read Maximum per hour: the full pass
        if (name === 'StuckWorkflows' && dims['cause']) push(`stuck:${dims['cause']}`, now.getTime(), value);
        if (name === 'OldestStuckAgeSeconds') push('oldest', now.getTime(), value / 3600);
        if (name === 'TerminatingWithFinalizer') push('terminating', now.getTime(), value);
      },
    },
  });
}
await server.close();

// --- SVG ---
const W = 1200;
const H = 330;
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2'];
const tMin = START.getTime();
const tMax = START.getTime() + 12 * 3_600_000;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function panel(x0: number, title: string, lines: { label: string; points: Point[] }[], stacked: boolean): string {
  const pw = W / 3 - 30;
  const ph = H - 110;
  const top = 40;
  const cumulative = new Map<number, number>();
  const drawn = lines.map((l) => {
    const pts = l.points.map((p) => {
      const base = stacked ? cumulative.get(p.t) ?? 0 : 0;
      const v = base + p.value;
      if (stacked) cumulative.set(p.t, v);
      return { t: p.t, v };
    });
    return { label: l.label, pts };
  });
  const yMax = Math.max(1, ...drawn.flatMap((d) => d.pts.map((p) => p.v))) * 1.1;
  const sx = (t: number) => x0 + 40 + ((t - tMin) / (tMax - tMin)) * (pw - 50);
  const sy = (v: number) => top + ph - (v / yMax) * ph;
  let svg = `<text x="${x0 + 10}" y="24" font-size="15" font-weight="bold">${esc(title)}</text>`;
  svg += `<rect x="${x0 + 40}" y="${top}" width="${pw - 50}" height="${ph}" fill="#fafafa" stroke="#ddd"/>`;
  for (let i = 0; i <= 4; i++) {
    const v = (yMax / 4) * i;
    svg += `<text x="${x0 + 35}" y="${sy(v) + 4}" font-size="10" text-anchor="end">${v >= 10 ? Math.round(v) : v.toFixed(1)}</text>`;
  }
  for (let h = 0; h <= 12; h += 3) {
    svg += `<text x="${sx(tMin + h * 3_600_000)}" y="${top + ph + 14}" font-size="10" text-anchor="middle">${String(6 + h).padStart(2, '0')}:00</text>`;
  }
  drawn.forEach((d, i) => {
    if (d.pts.length === 0) return;
    const path = d.pts.map((p, j) => `${j === 0 ? 'M' : 'L'}${sx(p.t).toFixed(1)},${sy(p.v).toFixed(1)}`).join(' ');
    svg += `<path d="${path}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2"/>`;
    svg += `<rect x="${x0 + 45 + (i % 2) * ((pw - 50) / 2)}" y="${top + ph + 24 + Math.floor(i / 2) * 14}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/>`;
    svg += `<text x="${x0 + 60 + (i % 2) * ((pw - 50) / 2)}" y="${top + ph + 33 + Math.floor(i / 2) * 14}" font-size="11">${esc(d.label)}</text>`;
  });
  return svg;
}

const causes = [...series.keys()].filter((k) => k.startsWith('stuck:')).sort();
const body = [
  panel(0, 'Stuck Workflows by cause (stacked, max/h)', causes.map((k) => ({ label: k.slice(6), points: series.get(k)! })), true),
  panel(W / 3, 'Oldest stuck Workflow (hours)', [{ label: 'OldestStuckAgeSeconds / 3600', points: series.get('oldest') ?? [] }], false),
  panel((2 * W) / 3, 'Terminating with the finalizer', [{ label: 'TerminatingWithFinalizer', points: series.get('terminating') ?? [] }], false),
].join('\n');
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="Helvetica, Arial, sans-serif">
<rect width="100%" height="100%" fill="white"/>
${body}
<text x="10" y="${H - 8}" font-size="11" fill="#666">Rendering of demo data (bench/render-dashboard.ts: the real sweep and metrics over a generated 600-Workflow fleet, simulated 12 h; removable ones removed at 12:00), not a CloudWatch screenshot.</text>
</svg>
`;
writeFileSync(OUT, svg);
process.stdout.write(`written: ${OUT}\n`);
