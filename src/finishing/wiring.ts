import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { FolderBucket } from '../buckets/folder-bucket.js';
import type { BucketPort } from '../buckets/port.js';
import { S3Bucket } from '../buckets/s3-bucket.js';
import { finishingConfigured } from '../config/finishing.js';
import type { RemediatorConfig } from '../config/schema.js';
import type { FinishingWiring } from './after-notify.js';
import { dailyLedgerFor } from './ledger.js';
import type { DailyLedger } from './ports.js';
import { regionFromEnv } from '../aws/region.js';

export interface FinishingWiringOptions {
  /** Buckets as folders (`<dir>/<bucket>/<key>`): the demo, `finish --bucket-dir`, FINISHING_BUCKET_DIR. */
  bucketDir?: string | undefined;
  /** Region for allow-listed buckets that name none. */
  region: string;
  /** Base S3 client configuration (an endpoint in tests). */
  s3?: S3ClientConfig | undefined;
  /** The per-day caps: `dailyLedgerFor` (the audit bucket or folder), or one refusing every reservation. */
  ledger: DailyLedger;
}

export { finishingConfigured } from '../config/finishing.js';

/**
 * The one place finishing's dependencies are built from configuration (README "Finishing GC"): the deployed
 * evaluate, the CLI's `finish` and the demo all take it from here. Undefined when every action is off
 * everywhere (the default): then nothing is ever attempted and no S3 client is made. The cluster port and the
 * evidence sink are the caller's own (evaluate's, the CLI's), so bundles land where removals' do.
 */
export function finishingWiringFor(config: RemediatorConfig, o: FinishingWiringOptions): (FinishingWiring & { close(): void }) | undefined {
  if (!finishingConfigured(config)) return undefined;
  const bucket: BucketPort = o.bucketDir ? new FolderBucket(o.bucketDir) : new S3Bucket({ defaultRegion: o.region, ...(o.s3 ? { clientConfig: o.s3 } : {}) });
  return {
    bucket,
    ledger: o.ledger,
    close: () => {
      if (bucket instanceof S3Bucket) bucket.destroy();
    },
  };
}

/**
 * The same from a function's environment: FINISHING_BUCKET_DIR (local), AWS_REGION, and the daily ledger beside
 * the audit records (audit.bucket / AUDIT_BUCKET, else audit.localDir / AUDIT_DIR).
 */
export function finishingWiringFromEnv(config: RemediatorConfig, env: NodeJS.ProcessEnv, o: { ledger?: DailyLedger; s3?: S3ClientConfig } = {}) {
  if (!finishingConfigured(config)) return undefined;
  return finishingWiringFor(config, {
    bucketDir: env['FINISHING_BUCKET_DIR'],
    region: regionFromEnv(env) ?? 'us-east-1',
    ledger: o.ledger ?? dailyLedgerFor(config.audit, env),
    s3: o.s3,
  });
}
