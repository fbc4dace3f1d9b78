import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ConfigurationId, DeploymentMode } from '@aws-sdk/client-mq';
import {
  appliedUsers,
  badRequest,
  internalError,
  SupervisionLostError,
  type BrokerBackend,
  type BrokerRecord,
  type InstanceView,
} from '@wharf/mq-engine';
import type { EngineLogger } from '@wharf/engine-kit';
import { brokerXml, consoleProperties, heapFor, schemes, INSTANCE_PORTS, PORT_NAMES, type Ports, type TlsOptions } from './broker-xml';
import { instancePid, isAlive, launch, logTail, portOpen, prepareLauncher, saysStandby, stopProcess } from './instance-process';
import { PortAllocator } from './ports';
import { InstanceSupervisor, type Supervised } from './failover-supervisor';
import { ACTIVEMQ_5_LINES, activeMqVersion, lineVersion } from './version';

export interface LocalInstance {
  dir: string;
  ports: Ports;
}

/** What a local broker persists in its definition (`runtime`). */
export interface LocalRuntime {
  strategy: 'local';
  /** The broker's folder: shared/kahadb (the pair's shared volume) and instance-N/. */
  dir: string;
  instances: LocalInstance[];
}

export interface LocalActiveMqOptions {
  /** Parent folder of every broker's folder. */
  dataDir: string;
  /** tools/brokers/activemq: lib/*.jar, log4j2.properties, activemq.sh. */
  home: string;
  /** launcher/run-instance.sh of this package. */
  launcher: string;
  /** Address the brokers bind. */
  bindHost: string;
  /** Host written into endpoints (default: bindHost, or 127.0.0.1 when binding every address). */
  publicHost?: string;
  ports: [number, number];
  tls?: TlsOptions;
  logger: EngineLogger;
  /** How often dead instances are looked for (ms). */
  superviseEveryMs?: number;
  /** How long a start may take before the broker counts as failed (ms). */
  startTimeoutMs?: number;
  /** Whether this replica of `mq` supervises broker processes now (default: always). */
  mayAct?: () => boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * ACTIVEMQ brokers as local ActiveMQ Classic processes that `mq` starts and supervises: SINGLE_INSTANCE is
 * one process; ACTIVE_STANDBY_MULTI_AZ two on one shared KahaDB directory, where the holder of the lock
 * is active and the other waits. A dead instance is started again (a dead active's partner has taken over
 * by then, so it comes back as the standby: supervisor.ts). Processes run in their own session: they outlive
 * `mq`, and a restarted `mq` adopts them through their pid files. (A little over 300 lines: every step of a
 * broker's life — place, write, start, wait, stop, free — shares the placement and the port allocator.)
 */
export class LocalActiveMqBackend implements BrokerBackend {
  readonly engineType = 'ACTIVEMQ' as const;
  readonly userChanges = 'reboot' as const;
  private readonly allocator: PortAllocator;
  private readonly supervisor: InstanceSupervisor;
  private readonly publicHost: string;
  private readonly probeHost: string;
  /** Offered engine version → the ActiveMQ release that runs it. */
  private versions = new Map<string, string>();
  private prepared?: Promise<void>;
  private configurationData: (ref: ConfigurationId) => string | undefined = () => undefined;

  constructor(private readonly options: LocalActiveMqOptions) {
    this.allocator = new PortAllocator(options.bindHost, options.ports[0], options.ports[1]);
    this.probeHost = options.bindHost === '0.0.0.0' || options.bindHost === '::' ? '127.0.0.1' : options.bindHost;
    this.publicHost = options.publicHost ?? this.probeHost;
    this.supervisor = new InstanceSupervisor({
      everyMs: options.superviseEveryMs ?? 500,
      logger: options.logger,
      instanceDirs: (b) => runtimeOf(b)?.instances.map((i) => i.dir),
      start: (b, i) => this.start(b, i),
      mayAct: options.mayAct,
    });
  }

  /** The launcher's jars (a Maven fetch on the first run ever), started once, awaited before any launch. */
  private prepare(): Promise<void> {
    if (!this.prepared) {
      this.prepared = prepareLauncher({ launcher: this.options.launcher, home: this.options.home });
      this.prepared.catch((err: unknown) => {
        this.options.logger.error({ err }, 'ActiveMQ launcher not ready');
        this.prepared = undefined; // try again next time
      });
    }
    return this.prepared;
  }

  async ready(): Promise<void> {
    void this.prepare().catch(() => undefined);
    if (this.versions.size) return;
    try {
      // Amazon MQ's lines, recommended first (the default), then the 6.x Wharf also runs
      const launcherDir = dirname(this.options.launcher);
      const versions = new Map<string, string>(ACTIVEMQ_5_LINES.map((line) => [line, lineVersion(launcherDir, line)]));
      const v6 = activeMqVersion(this.options.home);
      versions.set(v6, v6);
      this.versions = versions;
    } catch (err) {
      throw internalError(`The ActiveMQ backend cannot run brokers: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  engineVersions(): string[] {
    return [...this.versions.keys()];
  }

  /** The ActiveMQ release that serves an offered engine version (5.19 → 5.19.1). */
  runningVersion(engineVersion: string): string | undefined {
    return this.versions.get(engineVersion);
  }

  deploymentModes(): DeploymentMode[] {
    return ['SINGLE_INSTANCE', 'ACTIVE_STANDBY_MULTI_AZ'];
  }

  useConfigurations(lookup: (ref: ConfigurationId) => string | undefined): void {
    this.configurationData = lookup;
  }

  async restore(brokers: BrokerRecord[]): Promise<void> {
    for (const b of brokers) {
      const rt = runtimeOf(b);
      if (rt) this.allocator.reserve(instancePorts(rt));
    }
  }

  // ---- definition → files ----

  private writeConfig(b: BrokerRecord, rt: LocalRuntime): void {
    const kahaDbDir = join(rt.dir, 'shared', 'kahadb');
    mkdirSync(kahaDbDir, { recursive: true });
    const configuration = b.configurations.current ? this.configurationData(b.configurations.current) : undefined;
    for (const inst of rt.instances) {
      mkdirSync(join(inst.dir, 'data'), { recursive: true });
      const xml = brokerXml({
        brokerName: b.brokerId,
        bindHost: this.options.bindHost,
        ports: inst.ports,
        dataDir: join(inst.dir, 'data'),
        kahaDbDir,
        users: appliedUsers(b),
        configuration,
        tls: this.options.tls,
      });
      writeAtomically(join(inst.dir, 'broker.xml'), xml);
      if (inst.ports.console !== undefined) {
        // AWS opens the console to users with ConsoleAccess; with none, nobody gets in
        const user = appliedUsers(b).find((u) => u.consoleAccess) ?? { username: 'console', password: randomBytes(24).toString('base64url') };
        writeAtomically(join(inst.dir, 'console.properties'), consoleProperties(this.options.bindHost, inst.ports.console, user));
      }
    }
  }

  // ---- processes ----

  private start(b: BrokerRecord, index: number): number {
    // a replica that lost the supervisor lease mid-step (paused, cut off) starts nothing: its successor runs the broker
    if (this.options.mayAct && !this.options.mayAct()) throw new SupervisionLostError(`not starting instance ${index + 1} of ${b.brokerId}: this replica no longer supervises`);
    const rt = runtimeOf(b) as LocalRuntime;
    const inst = rt.instances[index];
    const line = b.engineVersion.split('.').slice(0, 2).join('.');
    const pid = launch(inst.dir, { launcher: this.options.launcher, home: this.options.home, heap: heapFor(b.hostInstanceType), line });
    writeFileSync(join(inst.dir, 'broker.pid'), `${pid}\n`);
    this.options.logger.info({ brokerId: b.brokerId, instance: index + 1, pid }, 'activemq instance started');
    return pid;
  }

  private async isActive(inst: LocalInstance): Promise<boolean> {
    return portOpen(this.probeHost, inst.ports.openwire);
  }

  /** Every connector accepts (they open one after another, OpenWire first): what RUNNING promises clients. */
  private async isServing(inst: LocalInstance): Promise<boolean> {
    return (await Promise.all(PORT_NAMES.map((n) => portOpen(this.probeHost, inst.ports[n])))).every(Boolean);
  }

  /** Starts what is not running (instance 1 first, so a fresh pair's active is instance 1) and waits for an active instance and a standby. */
  private async bringUp(b: BrokerRecord, rt: LocalRuntime): Promise<Supervised> {
    await this.prepare();
    const sup: Supervised = this.supervisor.get(b.brokerId) ?? { broker: b, paused: true, instances: [] };
    sup.broker = b;
    sup.paused = true;
    // forget the processes of before (a reboot stopped them): waitFor must judge only the ones started now —
    // a stopped standby's old pid read as "instance 2 exited while starting" before instance 2 was even started
    sup.instances = [];
    this.supervisor.track(sup);
    const logOffsets = rt.instances.map((i) => sizeOf(join(i.dir, 'broker.log')));
    const timeout = this.options.startTimeoutMs ?? 90_000;
    for (let i = 0; i < rt.instances.length; i++) {
      const inst = rt.instances[i];
      const existing = instancePid(inst.dir);
      sup.instances[i] = { pid: existing ?? this.start(b, i), failures: 0, startedAt: Date.now() };
      if (i === 0) {
        // the first instance must be serving (or its partner, when a pair was already running) before the second starts
        await this.waitFor(b, rt, sup, timeout, async () => (await Promise.all(rt.instances.map((x) => this.isServing(x)))).some(Boolean));
      }
    }
    if (rt.instances.length > 1) {
      await this.waitFor(b, rt, sup, timeout, async () => {
        const active = await Promise.all(rt.instances.map((x) => this.isServing(x)));
        return active.some(Boolean) && rt.instances.every((x, i) => active[i] || saysStandby(x.dir, logOffsets[i]) || isStandbyAlready(sup, i, x));
      });
    }
    sup.paused = false;
    this.supervisor.run();
    return sup;
  }

  private async waitFor(b: BrokerRecord, rt: LocalRuntime, sup: Supervised, timeoutMs: number, ok: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await ok()) return;
      for (let i = 0; i < sup.instances.length; i++) {
        if (!isAlive(sup.instances[i].pid, rt.instances[i].dir)) {
          throw new Error(`ActiveMQ instance ${i + 1} of ${b.brokerId} exited while starting:\n${logTail(rt.instances[i].dir)}`);
        }
      }
      if (Date.now() > deadline) {
        throw new Error(`ActiveMQ broker ${b.brokerId} did not come up within ${timeoutMs} ms:\n${rt.instances.map((x) => logTail(x.dir, 8)).join('\n---\n')}`);
      }
      await sleep(100);
    }
  }

  /** Stops every instance: standbys first (so none takes over), then the active one. */
  private async stopAll(rt: LocalRuntime, graceful: boolean): Promise<void> {
    const order = await Promise.all(rt.instances.map(async (inst) => ({ inst, active: await this.isActive(inst) })));
    order.sort((x, y) => Number(x.active) - Number(y.active));
    for (const { inst } of order) {
      const pid = instancePid(inst.dir);
      if (pid) await stopProcess(pid, inst.dir, graceful);
    }
  }

  // ---- BrokerBackend ----

  async provision(b: BrokerRecord, persist: (runtime: Record<string, unknown>) => Promise<void>): Promise<void> {
    await this.ready();
    let rt = runtimeOf(b);
    if (!rt) {
      const count = b.deploymentMode === 'ACTIVE_STANDBY_MULTI_AZ' ? 2 : 1;
      const ports = await this.allocator.allocate(count, INSTANCE_PORTS);
      const dir = join(this.options.dataDir, b.brokerId);
      rt = { strategy: 'local', dir, instances: ports.map((p, i) => ({ dir: join(dir, `instance-${i + 1}`), ports: p })) };
      await persist(rt as unknown as Record<string, unknown>);
    }
    this.writeConfig(b, rt);
    await this.bringUp(b, rt);
  }

  async attach(b: BrokerRecord): Promise<void> {
    const rt = runtimeOf(b);
    if (!rt) return;
    await this.prepare();
    this.writeConfig(b, rt);
    const sup: Supervised = { broker: b, paused: false, instances: [] };
    rt.instances.forEach((inst, i) => {
      const pid = instancePid(inst.dir);
      sup.instances[i] = pid ? { pid, failures: 0, startedAt: Date.now() } : { failures: 0, startedAt: 0, restartAt: Date.now() };
      this.options.logger.info({ brokerId: b.brokerId, instance: i + 1, pid }, pid ? 'adopted running activemq instance' : 'activemq instance down; starting it');
    });
    this.supervisor.track(sup);
    this.supervisor.run();
  }

  async reboot(b: BrokerRecord): Promise<void> {
    const rt = runtimeOf(b);
    if (!rt) throw new Error(`broker ${b.brokerId} has no placement to reboot`);
    const sup = this.supervisor.get(b.brokerId);
    if (sup) sup.paused = true;
    await this.stopAll(rt, true);
    this.writeConfig(b, rt);
    await this.bringUp(b, rt);
  }

  async destroy(b: BrokerRecord): Promise<void> {
    const sup = this.supervisor.get(b.brokerId);
    if (sup) sup.paused = true;
    this.supervisor.forget(b.brokerId);
    const rt = runtimeOf(b);
    if (!rt) return;
    await this.stopAll(rt, false);
    rmSync(rt.dir, { recursive: true, force: true });
    const ports = instancePorts(rt);
    const deadline = Date.now() + 10_000;
    for (const p of ports) {
      while (await portOpen(this.probeHost, p, 200)) {
        if (Date.now() > deadline) throw new Error(`port ${p} of deleted broker ${b.brokerId} is still open`);
        await sleep(100);
      }
    }
    this.allocator.release(ports);
  }

  async instances(b: BrokerRecord): Promise<InstanceView[]> {
    const rt = runtimeOf(b);
    if (!rt) return [];
    const s = schemes(!!this.options.tls);
    const active = await Promise.all(rt.instances.map((i) => this.isActive(i)));
    return rt.instances.map((inst, i) => {
      const alive = instancePid(inst.dir) !== undefined;
      const role: InstanceView['role'] = active[i] ? 'active' : !alive ? 'down' : active.some(Boolean) ? 'standby' : 'starting';
      return {
        endpoints: PORT_NAMES.map((n) => `${s[n].endpoint}://${this.publicHost}:${inst.ports[n]}`),
        consoleURL: inst.ports.console !== undefined ? `http://${this.publicHost}:${inst.ports.console}/jolokia/` : undefined,
        ipAddress: this.publicHost,
        role,
        engineVersion: this.runningVersion(b.engineVersion) ?? b.engineVersion,
      };
    });
  }

  async failOver(b: BrokerRecord): Promise<number> {
    const rt = runtimeOf(b);
    for (const [i, inst] of (rt?.instances ?? []).entries()) {
      const pid = instancePid(inst.dir);
      if (pid === undefined || !(await this.isActive(inst))) continue;
      // graceful: the lock is released at once and the standby, already waiting for it, takes it
      await stopProcess(pid, inst.dir, true);
      return i + 1;
    }
    throw badRequest(undefined, `No instance of broker ${b.brokerId} is active right now.`);
  }

  async standDown(): Promise<void> {
    this.supervisor.stop();
  }

  async close(): Promise<void> {
    this.supervisor.stop();
  }
}

function isStandbyAlready(sup: Supervised, i: number, inst: LocalInstance): boolean {
  // an adopted instance (started before this call) that is alive and not active has been waiting for the lock already
  return sup.instances[i]?.pid !== undefined && isAlive(sup.instances[i].pid, inst.dir) && saysStandby(inst.dir);
}

function instancePorts(rt: LocalRuntime): number[] {
  return rt.instances.flatMap((i) => INSTANCE_PORTS.map((n) => i.ports[n]).filter((p): p is number => p !== undefined));
}

/** Write then rename: a starting JVM never reads half a file. */
function writeAtomically(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export function runtimeOf(b: BrokerRecord): LocalRuntime | undefined {
  const rt = b.runtime as LocalRuntime | undefined;
  return rt && rt.strategy === 'local' ? rt : undefined;
}
