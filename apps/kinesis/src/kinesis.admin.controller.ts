import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { KinesisContext, streamConsumerLag, streamMetrics } from '@wharf/kinesis-engine';
import { commonConfig, sendAdminAnswer, signedCallerOf } from '@wharf/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The console's Kinesis route (`/_wharf/kinesis/…`, signed for scope `kinesis` when SigV4 is on). Its own
 * route beside the API's catch-all, so no API request passes here.
 */
@Controller('_wharf/kinesis')
export class KinesisAdminController {
  private readonly defaults = { accountId: commonConfig().accountId, region: commonConfig().region };

  constructor(private readonly ctx: KinesisContext) {}

  /** GET /_wharf/kinesis/streams/<name>/metrics: per-shard incoming records/s and bytes/s. */
  @Get('streams/:name/metrics')
  async metrics(@Param('name') name: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await sendAdminAnswer(reply, () => streamMetrics(this.ctx, name, this.callerOf(req)));
  }

  /**
   * GET /_wharf/kinesis/streams/<name>/consumer-lag: per registered consumer and shard, how many records its
   * live SubscribeToShard (in this process) has still to send, or `subscribed: false`.
   */
  @Get('streams/:name/consumer-lag')
  async consumerLag(@Param('name') name: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await sendAdminAnswer(reply, () => streamConsumerLag(this.ctx, name, this.callerOf(req)));
  }

  /** The signer's account when SigV4 is on (another account's stream is then not found, as in the API). */
  private callerOf(req: FastifyRequest): { accountId: string; region: string } {
    return { ...this.defaults, accountId: signedCallerOf(req)?.accountId ?? this.defaults.accountId };
  }
}
