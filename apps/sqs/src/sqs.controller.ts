import { All, Controller, Inject, Req, Res } from '@nestjs/common';
import { type AwsApiHandler, sendHttpResponse, toHttpRequestLike } from '@wharf/service-kit';
import { requestOrigin } from './sqs.provider';

type FastifyRequest = Parameters<typeof toHttpRequestLike>[0];
type FastifyReply = Parameters<typeof sendHttpResponse>[0];

export const SQS_HANDLER = Symbol('SQS_HANDLER');

/** Every path but /health and /metrics is the SQS API (Query clients may post to the queue URL path). */
@Controller()
export class SqsController {
  constructor(@Inject(SQS_HANDLER) private readonly handler: AwsApiHandler) {}

  @All('*')
  async api(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const host = req.headers.host;
    const origin = host ? `${req.protocol}://${host}` : undefined;
    const response = await requestOrigin.run(origin ?? '', () => this.handler.handle(toHttpRequestLike(req)));
    await sendHttpResponse(reply, response);
  }
}
