import { SupervisionLostError, type MqContext } from './context';
import type { BrokerRecord } from './model';

/*
 * A broker's state transitions (CREATION_IN_PROGRESS → RUNNING, REBOOT_IN_PROGRESS → RUNNING,
 * DELETION_IN_PROGRESS → gone). Each runs on the broker's chain (MqContext.background), records its own
 * outcome in the definition, and is safe to run again: after a restart of `mq`, resumeBrokers replays the
 * one that was under way.
 */

/**
 * Loads definitions and resumes what each broker was doing when `mq` last stopped: at start, and when this
 * replica becomes the supervisor (the previous one died): running brokers are adopted (attach), unfinished
 * transitions redone.
 */
export async function resumeBrokers(ctx: MqContext): Promise<void> {
  const brokers = await reloadDefinitions(ctx);
  for (const backend of ctx.backends()) {
    await backend.restore?.(brokers.filter((b) => b.engineType === backend.engineType));
  }
  ctx.actedOn.clear();
  for (const b of brokers) startTransition(ctx, b.brokerId);
}

/**
 * Definitions as the store has them: what other replicas (API calls, the supervisor) wrote. A record this
 * replica wrote while the store was being read keeps its newer copy, and a broker with a transition or user
 * change under way here keeps its record (that step holds it and writes it).
 */
export async function reloadDefinitions(ctx: MqContext): Promise<BrokerRecord[]> {
  const mark = ctx.writeMark;
  const [configurations, brokers] = await Promise.all([ctx.store.loadConfigurations(), ctx.store.loadBrokers()]);
  const keep = (kind: 'broker' | 'configuration', id: string) => ctx.writtenSince(kind, id, mark) || (kind === 'broker' && ctx.busy(id));
  const storedConfigurations = new Set(configurations.map((c) => c.id));
  for (const c of configurations) if (!keep('configuration', c.id)) ctx.configurations.set(c.id, c);
  for (const id of ctx.configurations.keys()) if (!storedConfigurations.has(id) && !keep('configuration', id)) ctx.configurations.delete(id);
  const storedBrokers = new Set(brokers.map((b) => b.brokerId));
  for (const b of brokers) if (!keep('broker', b.brokerId)) ctx.brokers.set(b.brokerId, b);
  for (const id of ctx.brokers.keys()) if (!storedBrokers.has(id) && !keep('broker', id)) ctx.brokers.delete(id);
  return brokers;
}

/**
 * The supervisor's tick: starts the transition of every broker whose state another replica changed. A
 * DeleteBroker through another replica while a step runs here reaches that step as on one replica (where
 * both share the record): the step sees DELETION_IN_PROGRESS and stops, and the deletion follows it.
 */
export async function superviseBrokers(ctx: MqContext): Promise<void> {
  if (!ctx.supervisor) return;
  const stored = await reloadDefinitions(ctx);
  for (const s of stored) {
    const b = ctx.brokers.get(s.brokerId);
    if (b && b !== s && ctx.busy(b.brokerId) && s.state === 'DELETION_IN_PROGRESS' && b.state !== 'DELETION_IN_PROGRESS') {
      b.state = 'DELETION_IN_PROGRESS';
      startTransition(ctx, b.brokerId);
    }
  }
  for (const b of ctx.brokers.values()) {
    if (!ctx.busy(b.brokerId) && ctx.actedOn.get(b.brokerId) !== b.state) startTransition(ctx, b.brokerId);
  }
}

/** Queues what the broker's state asks for (RUNNING and the like: adopt its processes). */
function startTransition(ctx: MqContext, brokerId: string): void {
  const b = ctx.brokers.get(brokerId);
  if (!b || !ctx.supervisor) return;
  ctx.actedOn.set(brokerId, b.state);
  switch (b.state) {
    case 'CREATION_IN_PROGRESS': ctx.background(brokerId, () => runCreate(ctx, brokerId)); break;
    case 'REBOOT_IN_PROGRESS': ctx.background(brokerId, () => runReboot(ctx, brokerId)); break;
    case 'DELETION_IN_PROGRESS': ctx.background(brokerId, () => runDelete(ctx, brokerId)); break;
    case 'CREATION_FAILED': break;
    default: ctx.background(brokerId, () => runAttach(ctx, brokerId));
  }
}

/** Transitions write only while this replica holds the supervisor lease (a paused old supervisor cannot). */
const AS_SUPERVISOR = { asSupervisor: true } as const;

async function createStep(ctx: MqContext, brokerId: string): Promise<void> {
  const b = ctx.brokers.get(brokerId);
  if (!b || b.state !== 'CREATION_IN_PROGRESS') return;
  const started = ctx.clock.now();
  try {
    await ctx.backend(b.engineType).provision(b, async (runtime) => {
      b.runtime = runtime;
      await ctx.saveBroker(b, AS_SUPERVISOR);
    });
    if (ctx.brokers.get(brokerId) !== b || b.state !== 'CREATION_IN_PROGRESS') return;
    b.state = 'RUNNING';
    await ctx.saveBroker(b, AS_SUPERVISOR);
    ctx.logger.info({ brokerId, ms: ctx.clock.now() - started }, 'broker running');
  } catch (err) {
    if (stepLost(ctx, brokerId, err)) return;
    ctx.logger.error({ brokerId, err }, 'broker creation failed');
    b.state = 'CREATION_FAILED';
    b.actionsRequired = [{ ActionRequiredCode: 'CREATION_FAILED', ActionRequiredInfo: messageOf(err) }];
    await ctx.backend(b.engineType).destroy(b).catch((e: unknown) => ctx.logger.warn({ brokerId, err: e }, 'cleanup after failed creation'));
    await ctx.saveBroker(b, AS_SUPERVISOR);
  }
}

async function rebootStep(ctx: MqContext, brokerId: string): Promise<void> {
  const b = ctx.brokers.get(brokerId);
  if (!b || b.state !== 'REBOOT_IN_PROGRESS') return;
  try {
    await ctx.backend(b.engineType).reboot(b);
    b.actionsRequired = [];
  } catch (err) {
    if (stepLost(ctx, brokerId, err)) return;
    ctx.logger.error({ brokerId, err }, 'reboot failed');
    b.actionsRequired = [{ ActionRequiredCode: 'REBOOT_FAILED', ActionRequiredInfo: messageOf(err) }];
  }
  if (ctx.brokers.get(brokerId) !== b || b.state !== 'REBOOT_IN_PROGRESS') return;
  b.state = b.actionsRequired.length ? 'CRITICAL_ACTION_REQUIRED' : 'RUNNING';
  await ctx.saveBroker(b, AS_SUPERVISOR);
}

async function deleteStep(ctx: MqContext, brokerId: string): Promise<void> {
  const b = ctx.brokers.get(brokerId);
  if (!b || b.state !== 'DELETION_IN_PROGRESS') return;
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.backend(b.engineType).destroy(b);
      break;
    } catch (err) {
      if (stepLost(ctx, brokerId, err)) return;
      ctx.logger.error({ brokerId, err, attempt }, 'delete failed; retrying');
      if (attempt >= 5 || ctx.closed) {
        b.actionsRequired = [{ ActionRequiredCode: 'DELETION_FAILED', ActionRequiredInfo: messageOf(err) }];
        await ctx.saveBroker(b, AS_SUPERVISOR);
        return;
      }
      await ctx.clock.sleep(500 * attempt);
    }
  }
  await ctx.forgetBroker(brokerId, AS_SUPERVISOR);
  ctx.logger.info({ brokerId }, 'broker deleted');
}

async function attachStep(ctx: MqContext, brokerId: string): Promise<void> {
  const b = ctx.brokers.get(brokerId);
  if (!b) return;
  try {
    await ctx.backend(b.engineType).attach(b);
  } catch (err) {
    if (stepLost(ctx, brokerId, err)) return;
    ctx.logger.error({ brokerId, err }, 're-attaching the broker failed');
    b.actionsRequired = [{ ActionRequiredCode: 'ATTACH_FAILED', ActionRequiredInfo: messageOf(err) }];
    await ctx.saveBroker(b, AS_SUPERVISOR);
  }
}

/**
 * A step that failed because this replica lost the supervisor lease is not a broker failure: nothing is
 * recorded or cleaned up (that would undo the new supervisor's work), the new supervisor redoes the step.
 */
function stepLost(ctx: MqContext, brokerId: string, err: unknown): boolean {
  if (!(err instanceof SupervisionLostError) && ctx.supervisor) return false;
  ctx.logger.warn({ brokerId, err }, 'broker step abandoned: this replica no longer supervises');
  // Not acted on after all: whoever supervises next redoes the step. That may be this very replica, when its
  // trust only lapsed for a moment (a stall past the lease's trusted share) and its next renewal succeeds —
  // then no takeover calls resumeBrokers, and without this its tick would leave the broker in the state forever.
  ctx.actedOn.delete(brokerId);
  return true;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The steps as run: a step whose write was refused for a lost lease (SupervisionLostError, its last save
 * included) is abandoned and left to be redone by whoever supervises next (stepLost).
 */
export const runCreate = redoneIfLost(createStep);
export const runReboot = redoneIfLost(rebootStep);
export const runDelete = redoneIfLost(deleteStep);
export const runAttach = redoneIfLost(attachStep);

function redoneIfLost(step: (ctx: MqContext, brokerId: string) => Promise<void>) {
  return (ctx: MqContext, brokerId: string): Promise<void> =>
    step(ctx, brokerId).catch((err: unknown) => {
      if (!stepLost(ctx, brokerId, err)) throw err;
    });
}
