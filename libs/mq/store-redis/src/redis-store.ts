import type { BrokerRecord, ConfigurationRecord, MqStore } from '@wharf/mq-engine';
import type { Redis } from 'ioredis';

/**
 * Broker definitions and configurations in Redis: one JSON string per record
 * (`<prefix>broker:<id>`, `<prefix>configuration:<id>`) and a set of ids per kind. Writes are MULTI so a
 * record and its index entry change together.
 */
export class RedisMqStore implements MqStore {
  constructor(private readonly redis: Redis, private readonly prefix = 'wharf:mq:') {}

  private async loadAll<T>(kind: string): Promise<T[]> {
    const ids = await this.redis.smembers(`${this.prefix}${kind}s`);
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map((id) => `${this.prefix}${kind}:${id}`));
    return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as T);
  }

  private async save(kind: string, id: string, value: unknown): Promise<void> {
    await this.redis.multi().set(`${this.prefix}${kind}:${id}`, JSON.stringify(value)).sadd(`${this.prefix}${kind}s`, id).exec();
  }

  private async remove(kind: string, id: string): Promise<void> {
    await this.redis.multi().del(`${this.prefix}${kind}:${id}`).srem(`${this.prefix}${kind}s`, id).exec();
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
