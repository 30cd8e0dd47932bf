import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT } from './template.js';

/** The parts of the exporter configuration the tests read (pkg/exporter/config.go). */
export interface ExporterConfig {
  clusterName: string;
  maxEventAgeSeconds: number;
  leaderElection: { enabled: boolean };
  route: { routes: { drop: { reason: string }[]; match: { kind: string; apiVersion: string; receiver: string }[] }[] };
  receivers: { name: string; eventbridge: { detailType: string; source: string; eventBusName: string; details?: unknown } }[];
}

export interface K8sObject {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
  rules?: unknown[];
  subjects?: { name: string }[];
  spec?: unknown;
}

export interface ResourceEventSourceSpec {
  group: string;
  version: string;
  resource: string;
  eventTypes: string[];
  filter: { fields: { key: string; operation: string; value: string }[] };
  metadata: Record<string, string>;
}

export type PayloadParameter = { src: { dataKey: string; useRawData?: boolean }; dest: string };

export interface SensorSpec {
  dependencies: { eventSourceName: string; eventName: string }[];
  triggers: { template: { awsLambda: { functionName: string; invocationType: string; payload: PayloadParameter[] } } }[];
}

/** The exporter expands `${VAR}` from its environment before parsing (os.ExpandEnv in its main.go). */
export async function exporterConfig(env: Record<string, string>): Promise<ExporterConfig> {
  const text = await readFile(join(ROOT, 'infra/exporter/config.yaml'), 'utf8');
  return parse(text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a?: string, b?: string) => env[(a ?? b)!] ?? '')) as ExporterConfig;
}

export async function manifests(path: string): Promise<K8sObject[]> {
  const text = await readFile(join(ROOT, path), 'utf8');
  return parseAllDocuments(text).map((d) => d.toJS() as K8sObject);
}

export function spec<T>(object: K8sObject | undefined): T {
  if (!object?.spec) throw new Error('manifest has no spec');
  return object.spec as T;
}

/** A gjson path of plain keys, as Argo Events' payload `dataKey` uses it. */
export function getPath(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
}

/** An sjson `dest` of plain keys. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = target;
  for (const key of keys.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
  at[keys.at(-1)!] = value;
}

/**
 * What an Argo Events Sensor's awsLambda trigger sends for one event (pkg/sensors/triggers/params.go): each
 * `src.dataKey` is read from the event data and written at `dest`; objects are inserted as JSON text unless
 * `useRawData` is set.
 */
export function sensorPayload(payload: PayloadParameter[], data: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { src, dest } of payload) {
    const value = getPath(data, src.dataKey);
    if (value === undefined) continue;
    setPath(out, dest, typeof value === 'object' && value !== null && !src.useRawData ? JSON.stringify(value) : value);
  }
  return out;
}
