/**
 * Sequence numbers are 56-digit decimal strings, like AWS's, built from where the record sits in Kafka:
 *
 *   49 | stream creation, epoch seconds (10) | shard index = partition (12) | partition offset + 1 (32)
 *
 * The last field is the Kafka offset plus one, so "just before offset 0" has a number too: a shard's
 * StartingSequenceNumber, and the ContinuationSequenceNumber of a subscription that has read nothing yet
 * (AFTER it = offset 0). A closed shard's EndingSequenceNumber is its last record's number.
 *
 * Within a shard they grow with the offset; a child shard's index is larger than its parents', so a key's
 * numbers keep growing across a split or merge too (what SequenceNumberForOrdering asks for). Decoding
 * gives the offset back, so AT/AFTER_SEQUENCE_NUMBER seek straight to it.
 */
const PREFIX = '49';
const EPOCH_DIGITS = 10;
const SHARD_DIGITS = 12;
const OFFSET_DIGITS = 32;
export const SEQUENCE_NUMBER_LENGTH = PREFIX.length + EPOCH_DIGITS + SHARD_DIGITS + OFFSET_DIGITS;

export interface SequencePosition {
  /** Stream creation time, epoch seconds (tells incarnations of one stream name apart). */
  streamEpoch: number;
  shardIndex: number;
  /** Kafka offset of the record; −1 = the position before the shard's first record. */
  offset: number;
}

export function streamEpochOf(createdAtMs: number): number {
  return Math.floor(createdAtMs / 1000) % 10 ** EPOCH_DIGITS;
}

export function encodeSequenceNumber(position: SequencePosition): string {
  if (!Number.isSafeInteger(position.offset) || position.offset < -1) throw new RangeError(`bad offset ${position.offset}`);
  return prefixOf(position.streamEpoch, position.shardIndex) + String(position.offset + 1).padStart(OFFSET_DIGITS, '0');
}

/**
 * "49", epoch and shard, built once per shard: every record a put answers and a read returns needs one, and
 * building it each time was a sixtieth of a put's CPU. Streams come and go, so the cache is dropped when full;
 * shard indexes past 4096 (none in practice, but a caller's) are not kept.
 */
const prefixes = new Map<number, string[]>();
function prefixOf(streamEpoch: number, shardIndex: number): string {
  if (shardIndex < 0 || shardIndex >= 4096) return buildPrefix(streamEpoch, shardIndex);
  let ofStream = prefixes.get(streamEpoch);
  if (!ofStream) {
    if (prefixes.size >= 1024) prefixes.clear();
    prefixes.set(streamEpoch, (ofStream = []));
  }
  return (ofStream[shardIndex] ??= buildPrefix(streamEpoch, shardIndex));
}
const buildPrefix = (streamEpoch: number, shardIndex: number) =>
  PREFIX + String(streamEpoch).padStart(EPOCH_DIGITS, '0') + String(shardIndex).padStart(SHARD_DIGITS, '0');

/** undefined for anything Wharf did not issue (AWS answers InvalidArgumentException for those). */
export function decodeSequenceNumber(value: string): SequencePosition | undefined {
  if (value.length !== SEQUENCE_NUMBER_LENGTH || !/^\d+$/.test(value) || !value.startsWith(PREFIX)) return undefined;
  let at = PREFIX.length;
  const streamEpoch = Number(value.slice(at, (at += EPOCH_DIGITS)));
  const shardIndex = Number(value.slice(at, (at += SHARD_DIGITS)));
  const offset = Number(value.slice(at)) - 1;
  if (!Number.isSafeInteger(offset)) return undefined;
  return { streamEpoch, shardIndex, offset };
}

/** Numeric comparison of two sequence numbers (any decimal strings). */
export function compareSequenceNumbers(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
