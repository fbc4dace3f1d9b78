import type { BrokerRecord, ConfigurationRecord, MqStore, WriteOptions } from '@wharf/mq-engine';
import type { SupervisorLease } from './supervisor-lease';

/**
 * The definitions store of one replica. Reads and the API's writes go straight to Redis; a transition's write
 * (`asSupervisor`) goes through the lease's fence (token compared before and after), so a supervisor that lost
 * its lease (paused, cut off) does not write over its successor (see SupervisorLease.fenced for the limit).
 */
export class FencedMqStore implements MqStore {
  /**
   * @param plain the store on the service's connection
   * @param onLeaseConnection the same store on the lease's connection (in turn with the lease's own calls)
   */
  constructor(
    private readonly plain: MqStore,
    private readonly onLeaseConnection: MqStore,
    private readonly lease: SupervisorLease,
  ) {}

  loadBrokers(): Promise<BrokerRecord[]> {
    return this.plain.loadBrokers();
  }
  saveBroker(broker: BrokerRecord, options?: WriteOptions): Promise<void> {
    return options?.asSupervisor ? this.lease.fenced(() => this.onLeaseConnection.saveBroker(broker)) : this.plain.saveBroker(broker);
  }
  deleteBroker(brokerId: string, options?: WriteOptions): Promise<void> {
    return options?.asSupervisor ? this.lease.fenced(() => this.onLeaseConnection.deleteBroker(brokerId)) : this.plain.deleteBroker(brokerId);
  }
  loadConfigurations(): Promise<ConfigurationRecord[]> {
    return this.plain.loadConfigurations();
  }
  saveConfiguration(configuration: ConfigurationRecord): Promise<void> {
    return this.plain.saveConfiguration(configuration);
  }
  deleteConfiguration(id: string): Promise<void> {
    return this.plain.deleteConfiguration(id);
  }
}
