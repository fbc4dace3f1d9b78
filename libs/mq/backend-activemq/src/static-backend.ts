import { mkdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DeploymentMode } from '@aws-sdk/client-mq';
import {
  appliedUsers,
  badRequest,
  type BrokerBackend,
  type BrokerRecord,
  type InstanceView,
} from '@wharf/mq-engine';
import type { EngineLogger } from '@wharf/engine-kit';
import { PORT_NAMES, schemes, type Ports } from './broker-xml';
import { portOpen } from './instance-process';

/** One already-running ActiveMQ broker (or active/standby pair) that `mq` may hand to one Amazon MQ broker. */
export interface StaticSlot {
  /** One instance (SINGLE_INSTANCE) or two sharing storage (ACTIVE_STANDBY_MULTI_AZ). */
  instances: Array<{ host: string; tls?: boolean } & Ports>;
  /**
   * JAAS PropertiesLoginModule files the broker reads with reload=true (see deploy/static-broker.xml);
   * `mq` writes the broker's users and groups there, so they are enforced without a restart.
   */
  usersFile: string;
  groupsFile: string;
  engineVersion?: string;
}

export interface StaticActiveMqOptions {
  slots: StaticSlot[];
  logger: EngineLogger;
}

/** Parses WHARF_MQ_ACTIVEMQ_STATIC: JSON `{ "slots": [...] }`, or `@/path/to/file.json`. */
export function parseStaticSlots(raw: string, read: (path: string) => string): StaticSlot[] {
  const text = raw.startsWith('@') ? read(raw.slice(1)) : raw;
  const parsed = JSON.parse(text) as { slots?: StaticSlot[] };
  const slots = parsed.slots ?? [];
  slots.forEach((s, i) => {
    if (!Array.isArray(s.instances) || s.instances.length < 1 || s.instances.length > 2) throw new Error(`static slot ${i}: 1 or 2 instances`);
    for (const inst of s.instances) {
      for (const n of PORT_NAMES) if (!Number.isInteger(inst[n])) throw new Error(`static slot ${i}: port "${n}" missing`);
      if (!inst.host) throw new Error(`static slot ${i}: host missing`);
    }
    if (!s.usersFile || !s.groupsFile) throw new Error(`static slot ${i}: usersFile and groupsFile are required (users must be enforced)`);
  });
  return slots;
}

interface StaticRuntime {
  strategy: 'static';
  slot: number;
}

/**
 * ACTIVEMQ brokers mapped onto ActiveMQ brokers that already run (compose services, k8s StatefulSets):
 * each Amazon MQ broker takes one free slot. Users reach the broker at once through the JAAS properties
 * files it reloads. What this strategy cannot do, it says: RebootBroker rewrites the users but does not
 * restart the external process; DeleteBroker revokes every user and frees the slot, but the slot's stored
 * messages stay on its volume.
 */
export class StaticActiveMqBackend implements BrokerBackend {
  readonly engineType = 'ACTIVEMQ' as const;
  readonly userChanges = 'immediate' as const;
  private readonly claimed = new Map<number, string>();

  constructor(private readonly options: StaticActiveMqOptions) {}

  engineVersions(): string[] {
    return [this.options.slots.find((s) => s.engineVersion)?.engineVersion ?? '5.18'];
  }

  deploymentModes(): DeploymentMode[] {
    const modes = new Set<DeploymentMode>();
    for (const s of this.options.slots) modes.add(s.instances.length === 2 ? 'ACTIVE_STANDBY_MULTI_AZ' : 'SINGLE_INSTANCE');
    return [...modes];
  }

  async restore(brokers: BrokerRecord[]): Promise<void> {
    for (const b of brokers) {
      const rt = b.runtime as StaticRuntime | undefined;
      if (rt?.strategy === 'static') this.claimed.set(rt.slot, b.brokerId);
    }
  }

  async checkCreate(b: BrokerRecord): Promise<void> {
    if (this.freeSlot(b) === undefined) {
      throw badRequest('deploymentMode', `No free pre-provisioned ActiveMQ ${b.deploymentMode} broker is left (static strategy: ${this.options.slots.length} slots, all taken).`);
    }
  }

  private freeSlot(b: BrokerRecord): number | undefined {
    const want = b.deploymentMode === 'ACTIVE_STANDBY_MULTI_AZ' ? 2 : 1;
    const i = this.options.slots.findIndex((s, idx) => s.instances.length === want && (!this.claimed.has(idx) || this.claimed.get(idx) === b.brokerId));
    return i < 0 ? undefined : i;
  }

  private slotOf(b: BrokerRecord): StaticSlot | undefined {
    const rt = b.runtime as StaticRuntime | undefined;
    return rt?.strategy === 'static' ? this.options.slots[rt.slot] : undefined;
  }

  private writeUsers(slot: StaticSlot, b: BrokerRecord | undefined): void {
    const users = b ? appliedUsers(b) : [];
    const groups = new Map<string, string[]>();
    for (const u of users) for (const g of u.groups.length ? u.groups : ['users']) groups.set(g, [...(groups.get(g) ?? []), u.username]);
    const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/([=:# !])/g, '\\$1');
    atomicWrite(slot.usersFile, users.map((u) => `${esc(u.username)}=${esc(u.password)}`).join('\n') + '\n');
    atomicWrite(slot.groupsFile, [...groups].map(([g, names]) => `${esc(g)}=${names.map(esc).join(',')}`).join('\n') + '\n');
  }

  async provision(b: BrokerRecord, persist: (runtime: Record<string, unknown>) => Promise<void>): Promise<void> {
    let rt = b.runtime as StaticRuntime | undefined;
    if (!rt) {
      const slot = this.freeSlot(b);
      if (slot === undefined) throw new Error('no free static ActiveMQ slot');
      this.claimed.set(slot, b.brokerId);
      rt = { strategy: 'static', slot };
      await persist(rt as unknown as Record<string, unknown>);
    }
    const slot = this.options.slots[rt.slot];
    this.writeUsers(slot, b);
    const deadline = Date.now() + 60_000;
    while (!(await this.anyActive(slot))) {
      if (Date.now() > deadline) throw new Error(`static ActiveMQ slot ${rt.slot} does not answer on its openwire ports`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  private async anyActive(slot: StaticSlot): Promise<boolean> {
    return (await Promise.all(slot.instances.map((i) => portOpen(i.host, i.openwire)))).some(Boolean);
  }

  async attach(b: BrokerRecord): Promise<void> {
    const slot = this.slotOf(b);
    if (slot) this.writeUsers(slot, b);
  }

  async syncUsers(b: BrokerRecord): Promise<void> {
    const slot = this.slotOf(b);
    if (slot) this.writeUsers(slot, b);
  }

  async reboot(b: BrokerRecord): Promise<void> {
    await this.attach(b);
  }

  async destroy(b: BrokerRecord): Promise<void> {
    const rt = b.runtime as StaticRuntime | undefined;
    if (rt?.strategy !== 'static') return;
    this.writeUsers(this.options.slots[rt.slot], undefined);
    if (this.claimed.get(rt.slot) === b.brokerId) this.claimed.delete(rt.slot);
    this.options.logger.warn({ brokerId: b.brokerId, slot: rt.slot }, 'static ActiveMQ slot released: users revoked, stored messages stay on its volume');
  }

  async instances(b: BrokerRecord): Promise<InstanceView[]> {
    const slot = this.slotOf(b);
    if (!slot) return [];
    const active = await Promise.all(slot.instances.map((i) => portOpen(i.host, i.openwire)));
    return slot.instances.map((inst, i) => {
      const s = schemes(!!inst.tls);
      return {
        endpoints: PORT_NAMES.map((n) => `${s[n].endpoint}://${inst.host}:${inst[n]}`),
        ipAddress: inst.host,
        role: active[i] ? 'active' : active.some(Boolean) ? 'standby' : 'down',
      };
    });
  }
}

/**
 * ActiveMQ's PropertiesLoginModule re-reads the file only when `lastModified() > ` the time it last read
 * it. File times come from the kernel's coarse clock, so a rewrite within a few ms of a login's read can
 * look "not newer" and a revoked user keeps logging in. Stamping the file a second ahead makes the next
 * login re-read it (and the few after it, harmlessly).
 */
const RELOAD_MARGIN_MS = 1_000;

function atomicWrite(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
  const ahead = new Date(Date.now() + RELOAD_MARGIN_MS);
  utimesSync(`${file}.tmp`, ahead, ahead);
  renameSync(`${file}.tmp`, file);
}
