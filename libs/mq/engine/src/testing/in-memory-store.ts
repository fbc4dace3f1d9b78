import type { BrokerRecord, ConfigurationRecord } from '../model';
import type { MqStore } from '../ports';

/** The store in memory, copying on the way in and out as Redis would: for engine unit tests. */
export class InMemoryStore implements MqStore {
  readonly brokers = new Map<string, BrokerRecord>();
  readonly configurations = new Map<string, ConfigurationRecord>();
  async loadBrokers(): Promise<BrokerRecord[]> {
    return [...this.brokers.values()].map(clone);
  }
  async saveBroker(broker: BrokerRecord): Promise<void> {
    this.brokers.set(broker.brokerId, clone(broker));
  }
  async deleteBroker(brokerId: string): Promise<void> {
    this.brokers.delete(brokerId);
  }
  async loadConfigurations(): Promise<ConfigurationRecord[]> {
    return [...this.configurations.values()].map(clone);
  }
  async saveConfiguration(configuration: ConfigurationRecord): Promise<void> {
    this.configurations.set(configuration.id, clone(configuration));
  }
  async deleteConfiguration(id: string): Promise<void> {
    this.configurations.delete(id);
  }
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
