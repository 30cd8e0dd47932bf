import { DeleteObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type ConflictRetry, conditionalPut, encryptionParams, isNotFound } from '../audit/s3-conditional.js';
import { type Clock, systemClock } from './pacer.js';
import { DEFAULT_LEASE_SECONDS, type EpisodeStore, isLive, pendingMarker, postedMarker } from './episodes.js';

export interface S3EpisodeStoreOptions {
  client: S3Client;
  bucket: string;
  kmsKeyId?: string | undefined;
  clock?: Clock;
  leaseSeconds?: number;
  conflictRetry?: ConflictRetry;
}

/**
 * Marker objects `notified/<cluster>/<uid>/<cause>.json`. The first claim is `If-None-Match: *`, so of two
 * concurrent invocations exactly one gets 200 and the other 412 (a 409, a conflict still in flight, is retried
 * until one of those answers). Taking over an expired marker is `If-Match: <etag>`, so again only one
 * invocation wins. Old markers are removed by a bucket lifecycle rule on the `notified/` prefix.
 */
export class S3EpisodeStore implements EpisodeStore {
  private readonly clock: Clock;
  private readonly leaseSeconds: number;

  constructor(private readonly o: S3EpisodeStoreOptions) {
    this.clock = o.clock ?? systemClock;
    this.leaseSeconds = o.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  }

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    const body = JSON.stringify(pendingMarker(this.clock(), ttlSeconds, this.leaseSeconds));
    if (await this.put(key, body, { IfNoneMatch: '*' })) return true;
    const current = await this.read(key);
    // Released between our put and our read: one more exclusive attempt, then give way.
    if (!current) return this.put(key, body, { IfNoneMatch: '*' });
    if (isLive(current.marker, this.clock()) || !current.etag) return false;
    return this.put(key, body, { IfMatch: current.etag });
  }

  async confirm(key: string, ttlSeconds: number): Promise<void> {
    await this.put(key, JSON.stringify(postedMarker(this.clock(), ttlSeconds)), {});
  }

  async release(key: string): Promise<void> {
    await this.o.client.send(new DeleteObjectCommand({ Bucket: this.o.bucket, Key: key }));
  }

  /** False when the condition failed (412); a 409 is retried; any other error propagates. */
  private async put(key: string, body: string, condition: { IfNoneMatch?: string; IfMatch?: string }): Promise<boolean> {
    const input = { Bucket: this.o.bucket, Key: key, Body: body, ContentType: 'application/json', ...condition, ...encryptionParams(this.o.kmsKeyId) };
    return (await conditionalPut(this.o.client, input, this.o.conflictRetry)) === 'written';
  }

  private async read(key: string): Promise<{ marker: unknown; etag: string | undefined } | undefined> {
    try {
      const res = await this.o.client.send(new GetObjectCommand({ Bucket: this.o.bucket, Key: key }));
      const text = (await res.Body?.transformToString()) ?? '';
      let marker: unknown;
      try {
        marker = JSON.parse(text);
      } catch {
        marker = undefined;
      }
      return { marker, etag: res.ETag };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}
