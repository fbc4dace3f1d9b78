import type { BrokerRecord, ConfigurationRecord } from './model';

/** Where definitions live (Redis in the app, memory in unit tests). The engine is its only writer. */
export interface MqStore {
  loadBrokers(): Promise<BrokerRecord[]>;
  saveBroker(broker: BrokerRecord): Promise<void>;
  deleteBroker(brokerId: string): Promise<void>;
  loadConfigurations(): Promise<ConfigurationRecord[]>;
  saveConfiguration(configuration: ConfigurationRecord): Promise<void>;
  deleteConfiguration(id: string): Promise<void>;
}

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
