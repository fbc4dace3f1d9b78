import { Readable } from 'node:stream';
import { All, Controller, Inject, Req, Res, type BeforeApplicationShutdown } from '@nestjs/common';
import {
  AwsError,
  encodeError,
  encodeEvent,
  encodeExceptionEvent,
  encodeErrorEvent,
  encodeInitialResponse,
  EVENT_STREAM_CONTENT_TYPE,
  kinesisModel,
  type DecodeError,
  type EventStreamOptions,
  type HttpRequestLike,
} from '@wharf/aws-protocol';
import type { SubscribeToShardInput } from '@aws-sdk/client-kinesis';
import { KinesisContext, kinesisOperations } from '@wharf/kinesis-engine';
import { AWS_API_HANDLER, type AwsApiHandler, sendHttpResponse, toHttpRequestLike } from '@wharf/service-kit';

type FastifyRequest = Parameters<typeof toHttpRequestLike>[0];
type FastifyReply = Parameters<typeof sendHttpResponse>[0];

/** SubscribeToShard answers with an event stream: always this controller's (the direct API path leaves it here). */
export const SUBSCRIBE_TARGET = 'Kinesis_20131202.SubscribeToShard';
const MODELLED_STREAM_ERRORS = new Set(['ResourceNotFoundException', 'ResourceInUseException', 'InternalFailureException']);

/** Every path but /health and /metrics is the Kinesis API (POST / with X-Amz-Target) not answered by the direct path. */
@Controller()
export class KinesisController implements BeforeApplicationShutdown {
  /** Open subscriptions: ended (as at the end of their lifetime) when the process shuts down. */
  private readonly subscriptions = new Set<{ cancel(): void }>();

  constructor(
    @Inject(AWS_API_HANDLER) private readonly handler: AwsApiHandler,
    private readonly ctx: KinesisContext,
  ) {}

  @All('*')
  async api(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const request = toHttpRequestLike(req);
    if (request.headers['x-amz-target'] === SUBSCRIBE_TARGET) return this.subscribe(request, reply);
    await sendHttpResponse(reply, await this.handler.handle(request));
  }

  /** Before the listener closes: end every subscription so its HTTP/2 stream finishes instead of holding the close. */
  beforeApplicationShutdown(): void {
    for (const s of this.subscriptions) s.cancel();
  }

  /**
   * SubscribeToShard: errors found before the stream starts are ordinary error responses; then a 200 with
   * `initial-response` at once (the SDK's send() waits for it) and one SubscribeToShardEvent frame per event.
   */
  private async subscribe(request: HttpRequestLike, reply: FastifyReply): Promise<void> {
    const model = kinesisModel();
    let decoded;
    try {
      // Decoded and, with SigV4 on, verified like every other call; the caller's account names the consumer's.
      decoded = await this.handler.decode(request);
    } catch (error) {
      const context = (error as DecodeError).context;
      if (!context) throw error;
      return void (await sendHttpResponse(reply, encodeError(model, error, context)));
    }
    let subscription;
    try {
      subscription = await kinesisOperations.SubscribeToShard(this.ctx, decoded.input as unknown as SubscribeToShardInput, decoded.context);
    } catch (error) {
      return void (await sendHttpResponse(reply, encodeError(model, error, decoded.context)));
    }
    const options: EventStreamOptions = { protocol: decoded.context.protocol === 'cbor' ? 'cbor' : 'awsJson1_1' };
    const events = subscription.events;
    async function* frames(): AsyncGenerator<Uint8Array> {
      yield encodeInitialResponse({}, options);
      try {
        for await (const event of events) yield encodeEvent('SubscribeToShardEvent', event, options);
      } catch (error) {
        if (error instanceof AwsError && MODELLED_STREAM_ERRORS.has(error.code)) yield encodeExceptionEvent(error.code, error.message, options);
        else yield encodeErrorEvent('InternalFailure', error instanceof Error ? error.message : String(error));
      }
    }
    const body = Readable.from(frames(), { objectMode: false });
    this.subscriptions.add(subscription);
    body.once('close', () => {
      this.subscriptions.delete(subscription);
      subscription.cancel();
    });
    await reply
      .status(200)
      .headers({ 'content-type': EVENT_STREAM_CONTENT_TYPE, 'x-amzn-RequestId': decoded.context.requestId })
      .send(body);
  }
}
