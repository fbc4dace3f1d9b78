import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { AwsError } from '@wharf/aws-protocol';
import { KinesisContext, streamMetrics } from '@wharf/kinesis-engine';
import { commonConfig, signedCallerOf } from '@wharf/service-kit';
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
    try {
      await reply.header('cache-control', 'no-store').send(await streamMetrics(this.ctx, name, this.callerOf(req)));
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      await reply.status(err.status ?? 400).send({ __type: err.code, message: err.message });
    }
  }

  /** The signer's account when SigV4 is on (another account's stream is then not found, as in the API). */
  private callerOf(req: FastifyRequest): { accountId: string; region: string } {
    return { ...this.defaults, accountId: signedCallerOf(req)?.accountId ?? this.defaults.accountId };
  }
}
