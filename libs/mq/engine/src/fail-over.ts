import type { MqContext } from './context';
import { badRequest } from './errors';

/**
 * The console's "fail over": stop the active instance of a running ACTIVE_STANDBY_MULTI_AZ broker, so its
 * standby takes the shared store's lock as it would after a crash (Amazon MQ fails over the same way during
 * maintenance). Not an AWS operation: Wharf's own route (POST /_wharf/mq/brokers/<id>/fail-over).
 */
export async function failOverBroker(ctx: MqContext, brokerId: string, caller?: { accountId: string }): Promise<{ brokerId: string; stopped: number }> {
  const b = ctx.broker(brokerId, caller);
  if (b.deploymentMode !== 'ACTIVE_STANDBY_MULTI_AZ') {
    throw badRequest('broker-id', `Broker ${brokerId} is ${b.deploymentMode}: only an ACTIVE_STANDBY_MULTI_AZ broker has a standby to fail over to.`);
  }
  if (b.state !== 'RUNNING') throw badRequest('broker-id', `Broker ${brokerId} is ${b.state}: it can fail over only when RUNNING.`);
  const backend = ctx.backend(b.engineType);
  if (!backend.failOver) throw badRequest('broker-id', `Brokers of engine ${b.engineType} have no standby here.`);
  return { brokerId, stopped: await backend.failOver(b) };
}
