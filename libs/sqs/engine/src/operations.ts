import { operationTable } from '@wharf/engine-kit';
import type { SqsContext } from './context';
import { CancelMessageMoveTask, ListDeadLetterSourceQueues, ListMessageMoveTasks, StartMessageMoveTask } from './ops/dead-letters';
import { DeleteMessage, DeleteMessageBatch } from './ops/delete';
import { AddPermission, RemovePermission } from './ops/permissions';
import {
  CreateQueue,
  DeleteQueue,
  GetQueueAttributes,
  GetQueueUrl,
  ListQueues,
  PurgeQueue,
  SetQueueAttributes,
} from './ops/queues';
import { ReceiveMessage } from './ops/receive';
import { SendMessage, SendMessageBatch } from './ops/send';
import { ListQueueTags, TagQueue, UntagQueue } from './ops/tags';
import { ChangeMessageVisibility, ChangeMessageVisibilityBatch } from './ops/visibility';

/** Every SQS operation, by its AWS name; AwsApiModule binds them to the SqsContext. */
export const sqsOperations = operationTable<SqsContext>()({
  AddPermission,
  CancelMessageMoveTask,
  ChangeMessageVisibility,
  ChangeMessageVisibilityBatch,
  CreateQueue,
  DeleteMessage,
  DeleteMessageBatch,
  DeleteQueue,
  GetQueueAttributes,
  GetQueueUrl,
  ListDeadLetterSourceQueues,
  ListMessageMoveTasks,
  ListQueueTags,
  ListQueues,
  PurgeQueue,
  ReceiveMessage,
  RemovePermission,
  SendMessage,
  SendMessageBatch,
  SetQueueAttributes,
  StartMessageMoveTask,
  TagQueue,
  UntagQueue,
});
