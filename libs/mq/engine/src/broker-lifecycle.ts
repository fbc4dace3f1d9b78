import type { MqContext } from './context';

/*
 * A broker's state transitions (CREATION_IN_PROGRESS → RUNNING, REBOOT_IN_PROGRESS → RUNNING,
 * DELETION_IN_PROGRESS → gone). Each runs on the broker's chain (MqContext.background), records its own
 * outcome in the definition, and is safe to run again: after a restart of `mq`, resumeBrokers replays the
 * one that was under way.
 */

/** Loads definitions and resumes what each broker was doing when `mq` last stopped. */
export async function resumeBrokers(ctx: MqContext): Promise<void> {
  for (const c of await ctx.store.loadConfigurations()) ctx.configurations.set(c.id, c);
  const brokers = await ctx.store.loadBrokers();
  for (const b of brokers) ctx.brokers.set(b.brokerId, b);
  for (const backend of ctx.backends()) {
    await backend.restore?.(brokers.filter((b) => b.engineType === backend.engineType));
  }
  for (const b of brokers) {
    switch (b.state) {
      case 'CREATION_IN_PROGRESS': ctx.background(b.brokerId, () => runCreate(ctx, b.brokerId)); break;
      case 'REBOOT_IN_PROGRESS': ctx.background(b.brokerId, () => runReboot(ctx, b.brokerId)); break;
      case 'DELETION_IN_PROGRESS': ctx.background(b.brokerId, () => runDelete(ctx, b.brokerId)); break;
      case 'CREATION_FAILED': break;
      default: ctx.background(b.brokerId, () => runAttach(ctx, b.brokerId));
    }
  }
}

export async function runCreate(ctx: MqContext, brokerId: string): Promise<void> {
  const b = ctx.brokers.get(brokerId);
  if (!b || b.state !== 'CREATION_IN_PROGRESS') return;
  const started = ctx.clock.now();
  try {
    await ctx.backend(b.engineType).provision(b, async (runtime) => {
      b.runtime = runtime;
      await ctx.saveBroker(b);
    });
    if (ctx.brokers.get(brokerId) !== b || b.state !== 'CREATION_IN_PROGRESS') return;
    b.state = 'RUNNING';
    await ctx.saveBroker(b);
    ctx.logger.info({ brokerId, ms: ctx.clock.now() - started }, 'broker running');
  } catch (err) {
    ctx.logger.error({ brokerId, err }, 'broker creation failed');
    b.state = 'CREATION_FAILED';
    b.actionsRequired = [{ ActionRequiredCode: 'CREATION_FAILED', ActionRequiredInfo: messageOf(err) }];
    await ctx.backend(b.engineType).destroy(b).catch((e: unknown) => ctx.logger.warn({ brokerId, err: e }, 'cleanup after failed creation'));
    await ctx.saveBroker(b);
  }
}

export async function runReboot(ctx: MqContext, brokerId: string): Promise<void> {
  const b = ctx.brokers.get(brokerId);
  if (!b || b.state !== 'REBOOT_IN_PROGRESS') return;
  try {
    await ctx.backend(b.engineType).reboot(b);
    b.actionsRequired = [];
  } catch (err) {
    ctx.logger.error({ brokerId, err }, 'reboot failed');
    b.actionsRequired = [{ ActionRequiredCode: 'REBOOT_FAILED', ActionRequiredInfo: messageOf(err) }];
  }
  if (ctx.brokers.get(brokerId) !== b || b.state !== 'REBOOT_IN_PROGRESS') return;
  b.state = b.actionsRequired.length ? 'CRITICAL_ACTION_REQUIRED' : 'RUNNING';
  await ctx.saveBroker(b);
}

export async function runDelete(ctx: MqContext, brokerId: string): Promise<void> {
  const b = ctx.brokers.get(brokerId);
  if (!b || b.state !== 'DELETION_IN_PROGRESS') return;
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.backend(b.engineType).destroy(b);
      break;
    } catch (err) {
      ctx.logger.error({ brokerId, err, attempt }, 'delete failed; retrying');
      if (attempt >= 5 || ctx.closed) {
        b.actionsRequired = [{ ActionRequiredCode: 'DELETION_FAILED', ActionRequiredInfo: messageOf(err) }];
        await ctx.saveBroker(b);
        return;
      }
      await ctx.clock.sleep(500 * attempt);
    }
  }
  await ctx.forgetBroker(brokerId);
  ctx.logger.info({ brokerId }, 'broker deleted');
}

export async function runAttach(ctx: MqContext, brokerId: string): Promise<void> {
  const b = ctx.brokers.get(brokerId);
  if (!b) return;
  try {
    await ctx.backend(b.engineType).attach(b);
  } catch (err) {
    ctx.logger.error({ brokerId, err }, 're-attaching the broker failed');
    b.actionsRequired = [{ ActionRequiredCode: 'ATTACH_FAILED', ActionRequiredInfo: messageOf(err) }];
    await ctx.saveBroker(b);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
