import { createHash } from 'node:crypto';

/** SNS FIFO: duplicates within five minutes of the first publish are accepted but not delivered. */
export const DEDUP_WINDOW_MS = 5 * 60 * 1000;
/** A reservation made before the broker confirms; a crashed publisher's reservation lapses after this. */
export const DEDUP_RESERVATION_MS = 15_000;

/** ContentBasedDeduplication: SHA-256 of the message body (not the attributes), hex. */
export function contentDeduplicationId(message: string): string {
  return createHash('sha256').update(message, 'utf8').digest('hex');
}

/** The dedup scope key: the whole topic, or the group with FifoThroughputScope=MessageGroup. */
export function dedupKey(topicArn: string, dedupId: string, groupId: string | undefined, scope: string | undefined): string {
  return scope === 'MessageGroup' ? `${topicArn}|g:${groupId ?? ''}|${dedupId}` : `${topicArn}|${dedupId}`;
}

/** SNS FIFO sequence numbers are 20-digit decimal strings, increasing per topic. */
export function formatSequenceNumber(counter: bigint | number): string {
  return (10n ** 19n + BigInt(counter)).toString();
}
