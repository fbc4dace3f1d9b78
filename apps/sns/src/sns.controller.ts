import { All, Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { AWS_API_HANDLER, type AwsApiHandler, sendHttpResponse, signedCallerOf, toHttpRequestLike } from '@wharf/service-kit';
import { SIGNING, type SigningInfo } from './signing';
import { SnsReports } from './sns.reports';

type FastifyRequest = Parameters<typeof toHttpRequestLike>[0];
type FastifyReply = Parameters<typeof sendHttpResponse>[0];

/**
 * Every path but /health and /metrics: the SNS Query API (POST, or GET for the SubscribeURL and
 * UnsubscribeURL links; plain POST / requests take the direct path, main.ts), the signing certificate at
 * SigningCertURL, and Wharf's held-message report.
 */
@Controller()
export class SnsController {
  constructor(
    @Inject(AWS_API_HANDLER) private readonly handler: AwsApiHandler,
    @Inject(SIGNING) private readonly signing: SigningInfo,
    private readonly reports: SnsReports,
  ) {}

  /** The console's per-subscription counts (its own route: API requests never pass here). */
  @Get('_wharf/sns/subscriptions')
  async subscriptionCounts(@Query('topic') topic: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    if (!topic) {
      await reply.status(400).send({ __type: 'InvalidParameter', message: 'topic (a topic ARN) is required.' });
      return;
    }
    // With SigV4 on, only the signer's account's topics (another account's is not found, as GetTopicAttributes).
    const caller = signedCallerOf(req);
    if (caller && accountOfArn(topic) !== caller.accountId) {
      await reply.status(404).send({ __type: 'NotFound', message: 'Topic does not exist' });
      return;
    }
    await reply.header('cache-control', 'no-store').send(await this.reports.subscriptionCounts(topic));
  }

  @All('*')
  async api(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const path = req.url.split('?')[0];
    if (req.method === 'GET' && path === `/${this.signing.certificateFile}`) {
      await reply.status(200).header('content-type', 'application/x-pem-file').send(this.signing.material.certificatePem);
      return;
    }
    if (req.method === 'GET' && path === '/_wharf/sns/held') {
      const caller = signedCallerOf(req);
      await reply.status(200).header('content-type', 'application/json').send(JSON.stringify(await this.reports.held(caller && ((arn) => accountOfArn(arn) === caller.accountId))));
      return;
    }
    await sendHttpResponse(reply, await this.handler.handle(toHttpRequestLike(req)));
  }
}

/** The account field of an ARN (arn:aws:sns:<region>:<account>:…). */
function accountOfArn(arn: string): string | undefined {
  return arn.split(':')[4];
}
