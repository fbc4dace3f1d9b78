import { hash } from 'node:crypto';
import { forRecentKeys } from './recent-keys';

/** The hash-key space of a stream: 0 … 2^128 − 1. */
export const HASH_KEY_SPACE = 1n << 128n;
export const MAX_HASH_KEY = HASH_KEY_SPACE - 1n;

export interface HashRange {
  start: bigint;
  end: bigint; // inclusive
}

/**
 * The hash key Kinesis computes for a partition key: MD5 of its UTF-8 bytes read as an unsigned big-endian 128-bit
 * integer, kept for recent keys. One-shot hash(): half the CPU of createHash() on short keys (no Hash object per key).
 */
export const partitionKeyHash: (partitionKey: string) => bigint = forRecentKeys((partitionKey) => BigInt('0x' + hash('md5', partitionKey, 'hex')));

/** Parses a decimal hash key (`0|[1-9]\d{0,38}`); undefined when malformed or outside 0 … 2^128 − 1. */
export function parseHashKey(value: string): bigint | undefined {
  if (!/^(0|[1-9]\d{0,38})$/.test(value)) return undefined;
  const key = BigInt(value);
  return key <= MAX_HASH_KEY ? key : undefined;
}

/**
 * The ranges CreateStream (and a uniform UpdateShardCount) gives N shards, exactly as AWS computes them:
 * shard i starts at floor(i · 2^128 / N) and ends one below where shard i + 1 starts.
 */
export function evenHashRanges(count: number): HashRange[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`shard count must be a positive integer, got ${count}`);
  const n = BigInt(count);
  const ranges: HashRange[] = [];
  for (let i = 0n; i < n; i++) {
    const start = (i * HASH_KEY_SPACE) / n;
    const end = ((i + 1n) * HASH_KEY_SPACE) / n - 1n;
    ranges.push({ start, end });
  }
  return ranges;
}
