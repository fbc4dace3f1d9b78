import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { RedisInspector } from '@wharf/sqs-backend-redis';
import { SqsContext, inspectQueues, peekQueue } from '@wharf/sqs-engine';
import { commonConfig, sendAdminAnswer, signedCallerOf } from '@wharf/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * The console's SQS routes (`/_wharf/sqs/…`, signed for scope `sqs` when SigV4 is on): what the AWS API
 * cannot give without changing a queue. Own routes beside the API's catch-all, so no API request passes here.
 */
@Controller('_wharf/sqs')
export class SqsAdminController {
  private readonly defaultAccount = commonConfig().accountId;

  constructor(
    private readonly ctx: SqsContext,
    private readonly inspector: RedisInspector,
  ) {}

  /** GET /_wharf/sqs/stats?queue=<url>&queue=<url>…: counts, oldest message age, FIFO groups in flight. */
  @Get('stats')
  async stats(@Query('queue') queue: string | string[] | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await sendAdminAnswer(reply, async () => ({ queues: await inspectQueues(this.ctx, this.inspector, list(queue), this.callerOf(req)) }));
  }

  /** GET /_wharf/sqs/peek?queue=<url>&max=20: the oldest messages, nothing about them changed. */
  @Get('peek')
  async peek(@Query('queue') queue: string | undefined, @Query('max') max: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await sendAdminAnswer(reply, async () => ({ messages: await peekQueue(this.ctx, this.inspector, queue ?? '', max === undefined ? 10 : Number(max), this.callerOf(req)) }));
  }

  /** The signer's account when SigV4 is on (another account's queue is then not found, as in the API). */
  private callerOf(req: FastifyRequest): { accountId: string } {
    return { accountId: signedCallerOf(req)?.accountId ?? this.defaultAccount };
  }
}
