import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable } from '@nestjs/common';
import type {
  AddPermissionRequest,
  CancelMessageMoveTaskRequest,
  CancelMessageMoveTaskResult,
  ChangeMessageVisibilityBatchRequest,
  ChangeMessageVisibilityBatchResult,
  ChangeMessageVisibilityRequest,
  CreateQueueRequest,
  CreateQueueResult,
  DeleteMessageBatchRequest,
  DeleteMessageBatchResult,
  DeleteMessageRequest,
  DeleteQueueRequest,
  GetQueueAttributesRequest,
  GetQueueAttributesResult,
  GetQueueUrlRequest,
  GetQueueUrlResult,
  ListDeadLetterSourceQueuesRequest,
  ListDeadLetterSourceQueuesResult,
  ListMessageMoveTasksRequest,
  ListMessageMoveTasksResult,
  ListQueueTagsRequest,
  ListQueueTagsResult,
  ListQueuesRequest,
  ListQueuesResult,
  PurgeQueueRequest,
  ReceiveMessageRequest,
  ReceiveMessageResult,
  RemovePermissionRequest,
  SendMessageBatchRequest,
  SendMessageBatchResult,
  SendMessageRequest,
  SendMessageResult,
  SetQueueAttributesRequest,
  StartMessageMoveTaskRequest,
  StartMessageMoveTaskResult,
  TagQueueRequest,
  UntagQueueRequest,
} from '@aws-sdk/client-sqs';
import { AwsError, type RequestContext } from '@wharf/aws-protocol';
import { type CallContext, SqsEngine, isSqsError } from '@wharf/sqs-engine';
import { SQS_CONFIG, type SqsConfig } from './sqs.config';

/** The origin the current request came on (for queue URLs when SQS_PUBLIC_URL is not set). */
export const requestOrigin = new AsyncLocalStorage<string>();

/**
 * The SQS API: one method per operation of the model, named as the operation and typed with the SDK's
 * shapes. Each hands over to the engine; engine errors become AwsErrors (the codec adds status and
 * query code from the model).
 */
@Injectable()
export class SqsProvider {
  constructor(
    private readonly engine: SqsEngine,
    @Inject(SQS_CONFIG) private readonly config: SqsConfig,
  ) {}

  private async call<T>(context: RequestContext, run: (ctx: CallContext) => Promise<T>): Promise<T> {
    const ctx: CallContext = {
      accountId: context.accountId,
      region: context.region,
      baseUrl: this.config.publicUrl ?? requestOrigin.getStore() ?? `http://localhost:${this.config.port}`,
    };
    try {
      return await run(ctx);
    } catch (e) {
      if (isSqsError(e)) throw new AwsError(e.code, e.message, { status: e.status, sender: e.senderFault });
      throw e;
    }
  }

  AddPermission(input: AddPermissionRequest, context: RequestContext): Promise<Record<string, never>> {
    return this.call(context, (ctx) => this.engine.AddPermission(input, ctx));
  }
  CancelMessageMoveTask(input: CancelMessageMoveTaskRequest, context: RequestContext): Promise<CancelMessageMoveTaskResult> {
    return this.call(context, (ctx) => this.engine.CancelMessageMoveTask(input, ctx));
  }
  ChangeMessageVisibility(input: ChangeMessageVisibilityRequest, context: RequestContext): Promise<Record<string, never>> {
    return this.call(context, (ctx) => this.engine.ChangeMessageVisibility(input, ctx));
  }
  ChangeMessageVisibilityBatch(input: ChangeMessageVisibilityBatchRequest, context: RequestContext): Promise<ChangeMessageVisibilityBatchResult> {
    return this.call(context, (ctx) => this.engine.ChangeMessageVisibilityBatch(input, ctx));
  }
  CreateQueue(input: CreateQueueRequest, context: RequestContext): Promise<CreateQueueResult> {
    return this.call(context, (ctx) => this.engine.CreateQueue(input, ctx));
  }
  DeleteMessage(input: DeleteMessageRequest, context: RequestContext): Promise<Record<string, never>> {
    return this.call(context, (ctx) => this.engine.DeleteMessage(input, ctx));
  }
  DeleteMessageBatch(input: DeleteMessageBatchRequest, context: RequestContext): Promise<DeleteMessageBatchResult> {
    return this.call(context, (ctx) => this.engine.DeleteMessageBatch(input, ctx));
  }
  DeleteQueue(input: DeleteQueueRequest, context: RequestContext): Promise<Record<string, never>> {
    return this.call(context, (ctx) => this.engine.DeleteQueue(input, ctx));
  }
  GetQueueAttributes(input: GetQueueAttributesRequest, context: RequestContext): Promise<GetQueueAttributesResult> {
    return this.call(context, (ctx) => this.engine.GetQueueAttributes(input, ctx));
  }
  GetQueueUrl(input: GetQueueUrlRequest, context: RequestContext): Promise<GetQueueUrlResult> {
    return this.call(context, (ctx) => this.engine.GetQueueUrl(input, ctx));
  }
  ListDeadLetterSourceQueues(input: ListDeadLetterSourceQueuesRequest, context: RequestContext): Promise<ListDeadLetterSourceQueuesResult> {
    return this.call(context, (ctx) => this.engine.ListDeadLetterSourceQueues(input, ctx));
  }
  ListMessageMoveTasks(input: ListMessageMoveTasksRequest, context: RequestContext): Promise<ListMessageMoveTasksResult> {
    return this.call(context, (ctx) => this.engine.ListMessageMoveTasks(input, ctx));
  }
  ListQueueTags(input: ListQueueTagsRequest, context: RequestContext): Promise<ListQueueTagsResult> {
    return this.call(context, (ctx) => this.engine.ListQueueTags(input, ctx));
  }
  ListQueues(input: ListQueuesRequest, context: RequestContext): Promise<ListQueuesResult> {
    return this.call(context, (ctx) => this.engine.ListQueues(input, ctx));
  }
  PurgeQueue(input: PurgeQueueRequest, context: RequestContext): Promise<Record<string, never>> {
    return this.call(context, (ctx) => this.engine.PurgeQueue(input, ctx));
  }
  ReceiveMessage(input: ReceiveMessageRequest, context: RequestContext): Promise<ReceiveMessageResult> {
    return this.call(context, (ctx) => this.engine.ReceiveMessage(input, ctx, context.signal));
  }
  RemovePermission(input: RemovePermissionRequest, context: RequestContext): Promise<Record<string, never>> {
    return this.call(context, (ctx) => this.engine.RemovePermission(input, ctx));
  }
  SendMessage(input: SendMessageRequest, context: RequestContext): Promise<SendMessageResult> {
    return this.call(context, (ctx) => this.engine.SendMessage(input, ctx));
  }
  SendMessageBatch(input: SendMessageBatchRequest, context: RequestContext): Promise<SendMessageBatchResult> {
    return this.call(context, (ctx) => this.engine.SendMessageBatch(input, ctx));
  }
  SetQueueAttributes(input: SetQueueAttributesRequest, context: RequestContext): Promise<Record<string, never>> {
    return this.call(context, (ctx) => this.engine.SetQueueAttributes(input, ctx));
  }
  StartMessageMoveTask(input: StartMessageMoveTaskRequest, context: RequestContext): Promise<StartMessageMoveTaskResult> {
    return this.call(context, (ctx) => this.engine.StartMessageMoveTask(input, ctx));
  }
  TagQueue(input: TagQueueRequest, context: RequestContext): Promise<Record<string, never>> {
    return this.call(context, (ctx) => this.engine.TagQueue(input, ctx));
  }
  UntagQueue(input: UntagQueueRequest, context: RequestContext): Promise<Record<string, never>> {
    return this.call(context, (ctx) => this.engine.UntagQueue(input, ctx));
  }
}
