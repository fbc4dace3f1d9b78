import type { BrokerRecord, ConfigurationRecord, MqStore } from '@wharf/mq-engine';
import { durableWrite, type RedisClient } from '@wharf/redis-lua';

/**
 * Broker definitions and configurations in Redis (standalone or Cluster): one JSON string per record
 * (`<prefix>broker:<id>`, `<prefix>configuration:<id>`) and a set of ids per kind. Every command names one
 * key, so the keys may sit on different cluster nodes: a record is written before its id joins the set and
 * removed after it leaves (a crash in between leaves a record not yet listed, which the retried call lists;
 * an id whose record is gone is skipped on reading). Each write is answered once the client's replicas
 * hold it.
 */
export class RedisMqStore implements MqStore {
  constructor(private readonly redis: RedisClient, private readonly prefix = 'wharf:mq:') {}

  private async loadAll<T>(kind: string): Promise<T[]> {
    const ids = await this.redis.smembers(`${this.prefix}${kind}s`);
    // one GET per record (each on its own slot on a cluster), sent together
    const values = await Promise.all(ids.map((id) => this.redis.get(`${this.prefix}${kind}:${id}`)));
    return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as T);
  }

  private async save(kind: string, id: string, value: unknown): Promise<void> {
    const record = `${this.prefix}${kind}:${id}`;
    const ids = `${this.prefix}${kind}s`;
    await durableWrite(this.redis, record, (p) => p.set(record, JSON.stringify(value)));
    await durableWrite(this.redis, ids, (p) => p.sadd(ids, id));
  }

  private async remove(kind: string, id: string): Promise<void> {
    const record = `${this.prefix}${kind}:${id}`;
    const ids = `${this.prefix}${kind}s`;
    await durableWrite(this.redis, ids, (p) => p.srem(ids, id));
    await durableWrite(this.redis, record, (p) => p.del(record));
  }

  loadBrokers(): Promise<BrokerRecord[]> {
    return this.loadAll<BrokerRecord>('broker');
  }
  saveBroker(broker: BrokerRecord): Promise<void> {
    return this.save('broker', broker.brokerId, broker);
  }
  deleteBroker(brokerId: string): Promise<void> {
    return this.remove('broker', brokerId);
  }
  loadConfigurations(): Promise<ConfigurationRecord[]> {
    return this.loadAll<ConfigurationRecord>('configuration');
  }
  saveConfiguration(configuration: ConfigurationRecord): Promise<void> {
    return this.save('configuration', configuration.id, configuration);
  }
  deleteConfiguration(id: string): Promise<void> {
    return this.remove('configuration', id);
  }
}
