import { All, Controller, Inject, Req, Res } from '@nestjs/common';
import { AWS_API_HANDLER, type AwsApiHandler, requestSignal, sendHttpResponse, toHttpRequestLike } from '@wharf/service-kit';

type FastifyRequest = Parameters<typeof toHttpRequestLike>[0];
type FastifyReply = Parameters<typeof sendHttpResponse>[0];

const QUEUE_PATH = /^\/(\d{12})\/([A-Za-z0-9_-]{1,80}|[A-Za-z0-9_-]{1,75}\.fifo)\/?$/;
const WITHOUT_QUEUE_URL = new Set(['CreateQueue', 'GetQueueUrl', 'ListQueues', 'StartMessageMoveTask', 'ListMessageMoveTasks', 'CancelMessageMoveTask']);

/** Every path but /health and /metrics is the SQS API; plain POST / requests take the direct path (main.ts) instead. */
@Controller()
export class SqsController {
  constructor(@Inject(AWS_API_HANDLER) private readonly handler: AwsApiHandler) {}

  @All('*')
  async api(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const host = req.headers.host;
    const origin = host ? `${req.protocol}://${host}` : '';
    const received = toHttpRequestLike(req);
    const request = withQueueUrlFromPath(received, origin);
    // The origin becomes Caller.origin: the base of queue URLs unless SQS_PUBLIC_URL is set. The signature is
    // checked on the request as received (before the queue URL was added).
    const response = await this.handler.handle(request, { signal: requestSignal(reply), origin, received });
    await sendHttpResponse(reply, response);
  }
}

/**
 * Older Query clients (Java/.NET SDK v1) POST to the queue URL itself and leave QueueUrl out of the form, and a
 * presigned URL is a GET of the queue URL with the Action in the query string; AWS takes the queue from the
 * path then. Add it to the form (or the query string) so the operation sees the parameter.
 */
export function withQueueUrlFromPath<R extends { method: string; path: string; headers: Record<string, unknown>; body: Buffer }>(
  request: R,
  origin: string,
): R {
  const [path, query = ''] = request.path.split('?', 2);
  if (request.method === 'GET' && QUEUE_PATH.test(path)) {
    const params = new URLSearchParams(query);
    if (!params.has('Action') || params.has('QueueUrl') || WITHOUT_QUEUE_URL.has(params.get('Action') ?? '')) return request;
    return { ...request, path: `${request.path}&QueueUrl=${encodeURIComponent(origin + path)}` };
  }
  const type = String(request.headers['content-type'] ?? '');
  if (request.method !== 'POST' || !type.includes('x-www-form-urlencoded') || !QUEUE_PATH.test(path)) return request;
  const form = new URLSearchParams(request.body.toString('utf8'));
  if (form.has('QueueUrl') || WITHOUT_QUEUE_URL.has(form.get('Action') ?? '')) return request;
  const sep = request.body.length ? '&' : '';
  const body = Buffer.concat([request.body, Buffer.from(`${sep}QueueUrl=${encodeURIComponent(origin + path)}`)]);
  return { ...request, body, headers: { ...request.headers, 'content-length': String(body.length) } };
}
