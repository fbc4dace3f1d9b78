/** One position as a consumer got it. */
export interface Delivery {
  truck: string;
  seq: number;
  /** What carried it: the shard id (kinesis) or the consumer's name (sqs-fifo, sns-fifo, mq). */
  carrier: string;
  /** The subscriber queue it came through (sns-fifo fans out to several); '' when there is one path. */
  subscriber: string;
  /** When the consumer had it in hand (ms, one clock for the whole run). */
  receivedAt: number;
  /** When the consumer asked to delete it (SQS): the earliest its hold on the message group can have ended. */
  releasedAt?: number;
}

export interface VerifyRules {
  /** Every truck must arrive through one carrier only (a Kinesis shard; an ActiveMQ message-group consumer). */
  oneCarrierPerTruck: boolean;
  /** No message group may be held by two consumers at once (SQS FIFO). */
  exclusiveGroups: boolean;
  /** Duplicates fail the run where the transport promises none (FIFO dedup, JMS); Kinesis is at-least-once. */
  duplicatesFail: boolean;
}

export interface CarrierCount {
  subscriber: string;
  carrier: string;
  trucks: number;
  records: number;
}

export interface SubscriberVerdict {
  subscriber: string;
  expected: number;
  received: number;
  lost: number;
  duplicated: number;
  /** Positions that arrived after a later position of the same truck (first arrivals only). */
  orderViolations: number;
  /** Trucks that came through more than one carrier, where the rules want one. */
  splitTrucks: number;
  /** Times a group was handed to a second consumer before the first had released it. */
  overlaps: number;
  /** Groups (trucks) whose every position arrived once and in order, and how many records the groups got (min..max). */
  groupsComplete: number;
  groupRecords: { min: number; max: number };
}

export interface Verdict {
  ok: boolean;
  subscribers: SubscriberVerdict[];
  carriers: CarrierCount[];
  /** The first problems, spelled out (truck, seq, what happened). */
  examples: string[];
}

const MAX_EXAMPLES = 10;

/**
 * Checks what the consumers got against what was produced: `trucks` × `positions` per subscriber, in the
 * order the deliveries array holds (the order they arrived in this one process).
 */
export function verify(deliveries: Delivery[], trucks: string[], positions: number, subscribers: string[], rules: VerifyRules): Verdict {
  const examples: string[] = [];
  const note = (s: string) => void (examples.length < MAX_EXAMPLES && examples.push(s));
  const carriers = new Map<string, CarrierCount & { truckSet: Set<string> }>();
  const verdicts: SubscriberVerdict[] = [];
  for (const subscriber of subscribers) {
    const mine = deliveries.filter((d) => d.subscriber === subscriber);
    const byTruck = new Map<string, Delivery[]>();
    for (const d of mine) {
      let list = byTruck.get(d.truck);
      if (!list) byTruck.set(d.truck, (list = []));
      list.push(d);
      const key = `${subscriber}\0${d.carrier}`;
      let c = carriers.get(key);
      if (!c) carriers.set(key, (c = { subscriber, carrier: d.carrier, trucks: 0, records: 0, truckSet: new Set() }));
      c.records++;
      c.truckSet.add(d.truck);
    }
    const v: SubscriberVerdict = {
      subscriber, expected: trucks.length * positions, received: mine.length, lost: 0, duplicated: 0, orderViolations: 0,
      splitTrucks: 0, overlaps: 0, groupsComplete: 0, groupRecords: { min: Infinity, max: 0 },
    };
    const where = subscriber ? ` via ${subscriber}` : '';
    for (const truck of trucks) {
      const list = byTruck.get(truck) ?? [];
      v.groupRecords.min = Math.min(v.groupRecords.min, list.length);
      v.groupRecords.max = Math.max(v.groupRecords.max, list.length);
      const seen = new Set<number>();
      let highest = -1;
      let clean = true;
      for (const d of list) {
        if (seen.has(d.seq)) {
          v.duplicated++;
          clean = false;
          note(`${truck} seq ${d.seq}${where}: duplicated (again through ${d.carrier})`);
          continue;
        }
        seen.add(d.seq);
        if (d.seq < highest) {
          v.orderViolations++;
          clean = false;
          note(`${truck} seq ${d.seq}${where}: out of order, arrived after seq ${highest}`);
        }
        highest = Math.max(highest, d.seq);
      }
      for (let s = 0; s < positions; s++) {
        if (!seen.has(s)) {
          v.lost++;
          clean = false;
          note(`${truck} seq ${s}${where}: lost (never arrived)`);
        }
      }
      const carriersOfTruck = new Set(list.map((d) => d.carrier));
      if (rules.oneCarrierPerTruck && carriersOfTruck.size > 1) {
        v.splitTrucks++;
        clean = false;
        note(`${truck}${where}: came through ${carriersOfTruck.size} carriers (${[...carriersOfTruck].join(', ')})`);
      }
      if (rules.exclusiveGroups) {
        for (let i = 1; i < list.length; i++) {
          const before = list[i - 1];
          const after = list[i];
          // Sound, never a false alarm: the second consumer had the message in hand before the first had even
          // asked to delete its own — so the group was handed out while still held.
          if (after.carrier !== before.carrier && before.releasedAt !== undefined && after.receivedAt < before.releasedAt) {
            v.overlaps++;
            clean = false;
            note(`${truck}${where}: ${after.carrier} got seq ${after.seq} while ${before.carrier} still held seq ${before.seq}`);
          }
        }
      }
      if (clean) v.groupsComplete++;
    }
    if (v.groupRecords.min === Infinity) v.groupRecords.min = 0;
    verdicts.push(v);
  }
  const ok = verdicts.every((v) => v.lost === 0 && v.orderViolations === 0 && v.splitTrucks === 0 && v.overlaps === 0 && (!rules.duplicatesFail || v.duplicated === 0));
  const carrierList = [...carriers.values()]
    .map(({ truckSet, ...c }) => ({ ...c, trucks: truckSet.size }))
    .sort((a, b) => a.subscriber.localeCompare(b.subscriber) || a.carrier.localeCompare(b.carrier, undefined, { numeric: true }));
  return { ok, subscribers: verdicts, carriers: carrierList, examples };
}
