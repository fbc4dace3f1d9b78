/** Checkpoint of a shard read to its end: its children may start. */
export const SHARD_END = 'SHARD_END';

/** One shard's lease, as the store keeps it. */
export interface Lease {
  shardId: string;
  /** The worker that holds it, or undefined when free. */
  owner?: string;
  /** Bumped by every take, renewal and release: a holder that stops renewing leaves it still, so others see it expire. */
  counter: number;
  /** Last processed sequence number, `SHARD_END`, or undefined (start at the initial position). */
  checkpoint?: string;
  /** Sub-sequence within `checkpoint` (KPL-aggregated records); undefined for whole records. */
  subSequence?: number;
  /** Parent shards (one after a split, two after a merge): this shard starts only when they are finished. */
  parents: string[];
  /** A worker that asked for this lease (balancing); the holder hands it over at its next renewal. */
  requestedBy?: string;
}

/**
 * Where leases live. Every write is conditional on what the caller last saw (owner, counter), so two workers
 * can never both succeed at taking one lease. Implementations: `RedisLeaseStore` (default) and `MemoryLeaseStore`.
 */
export interface LeaseStore {
  list(): Promise<Lease[]>;
  /** Creates the lease unless it exists; true if created. */
  create(shardId: string, parents: string[], checkpoint?: string): Promise<boolean>;
  /** Takes the lease if its counter is still `counter`; returns it as taken, or null. */
  take(shardId: string, owner: string, counter: number): Promise<Lease | null>;
  /** Renews a lease `owner` holds at `counter`; returns it (counter + 1, maybe with `requestedBy`), or null when lost. */
  renew(shardId: string, owner: string, counter: number): Promise<Lease | null>;
  /** Records progress if `owner` still holds the lease. */
  checkpoint(shardId: string, owner: string, sequence: string, subSequence?: number): Promise<boolean>;
  /** Gives the lease up (to `handTo`, or free) if `owner` holds it at `counter`. */
  release(shardId: string, owner: string, counter: number, handTo?: string): Promise<boolean>;
  /** Asks the holder (`owner`) to hand the lease over; true if recorded (none pending, still that owner). */
  requestHandover(shardId: string, requester: string, owner: string): Promise<boolean>;
}
