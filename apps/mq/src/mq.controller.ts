import { All, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { AwsError } from '@wharf/aws-protocol';
import { MqContext, failOverBroker, ownedBy } from '@wharf/mq-engine';
import { AWS_API_HANDLER, type AwsApiHandler, sendHttpResponse, signedCallerOf, toHttpRequestLike } from '@wharf/service-kit';
import { MqReplica } from './replica';

type FastifyRequest = Parameters<typeof toHttpRequestLike>[0];
type FastifyReply = Parameters<typeof sendHttpResponse>[0];

/**
 * The Amazon MQ REST API lives under /v1; /health and /metrics come from the service kit. Every call first
 * reloads the definitions (replica.refresh): another replica of `mq` may have changed them.
 */
@Controller()
export class MqController {
  constructor(
    @Inject(AWS_API_HANDLER) private readonly handler: AwsApiHandler,
    private readonly ctx: MqContext,
    private readonly replica: MqReplica,
  ) {}

  /**
   * Wharf's own view of a broker's instances, in their fixed order, with their roles (active / standby /
   * down), which the AWS model has no field for. DescribeBroker lists the active instance first.
   */
  @Get('_wharf/mq/brokers/:id/instances')
  async instances(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    // With SigV4 on, only the signer's account's brokers (another account's is not found, as DescribeBroker).
    const caller = signedCallerOf(req);
    await this.replica.refresh();
    const found = this.ctx.brokers.get(id);
    const b = found && (!caller || ownedBy(found.brokerArn, caller)) ? found : undefined;
    if (!b) {
      await reply.status(404).send({ message: `No broker ${id}` });
      return;
    }
    await reply.send({ brokerId: id, state: b.state, instances: await this.ctx.backend(b.engineType).instances(b) });
  }

  /** The console's "fail over": the active instance stops, the standby takes over (see failOverBroker). */
  @Post('_wharf/mq/brokers/:id/fail-over')
  async failOver(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    try {
      await this.replica.refresh();
      await reply.status(200).send(await failOverBroker(this.ctx, id, signedCallerOf(req)));
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      await reply.status(err.code === 'NotFoundException' ? 404 : 400).send({ __type: err.code, message: err.message });
    }
  }

  @All('*')
  async api(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.replica.refresh();
    await sendHttpResponse(reply, await this.handler.handle(toHttpRequestLike(req)));
  }
}
