import type { Lease, LeaseStore } from './lease';

/** Leases in a Map, with the same conditional writes as the Redis store: for unit tests and single processes. */
export class MemoryLeaseStore implements LeaseStore {
  private readonly leases = new Map<string, Lease>();

  async list(): Promise<Lease[]> {
    return [...this.leases.values()].map(copy);
  }

  async create(shardId: string, parents: string[], checkpoint?: string): Promise<boolean> {
    if (this.leases.has(shardId)) return false;
    this.leases.set(shardId, { shardId, counter: 0, parents: [...parents], checkpoint });
    return true;
  }

  async take(shardId: string, owner: string, counter: number): Promise<Lease | null> {
    const lease = this.leases.get(shardId);
    if (!lease || lease.counter !== counter) return null;
    Object.assign(lease, { owner, counter: counter + 1, requestedBy: undefined });
    return copy(lease);
  }

  async renew(shardId: string, owner: string, counter: number): Promise<Lease | null> {
    const lease = this.leases.get(shardId);
    if (!lease || lease.owner !== owner || lease.counter !== counter) return null;
    lease.counter++;
    return copy(lease);
  }

  async checkpoint(shardId: string, owner: string, sequence: string, subSequence?: number): Promise<boolean> {
    const lease = this.leases.get(shardId);
    if (!lease || lease.owner !== owner) return false;
    Object.assign(lease, { checkpoint: sequence, subSequence });
    return true;
  }

  async release(shardId: string, owner: string, counter: number, handTo?: string): Promise<boolean> {
    const lease = this.leases.get(shardId);
    if (!lease || lease.owner !== owner || lease.counter !== counter) return false;
    Object.assign(lease, { owner: handTo, counter: counter + 1, requestedBy: undefined });
    return true;
  }

  async requestHandover(shardId: string, requester: string, owner: string): Promise<boolean> {
    const lease = this.leases.get(shardId);
    if (!lease || lease.owner !== owner || lease.requestedBy) return false;
    lease.requestedBy = requester;
    return true;
  }
}

const copy = (lease: Lease): Lease => ({ ...lease, parents: [...lease.parents] });
