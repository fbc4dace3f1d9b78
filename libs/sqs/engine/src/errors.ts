import type { BatchResultErrorEntry } from '@aws-sdk/client-sqs';
import { AwsError } from '@wharf/aws-protocol';

/**
 * SQS's errors as AWS words them. `code` is the shape name of the SQS model (QueueDoesNotExist) or, for
 * errors the model does not declare, AWS's query code (InvalidParameterValue, MissingParameter); the codec
 * adds the query code and, where no status is given here, the status from the model. Every SQS error is
 * the sender's fault.
 */
const sqsError = (code: string, message: string, status?: number) => new AwsError(code, message, { status, sender: true });

export const Errors = {
  queueDoesNotExist: () => sqsError('QueueDoesNotExist', 'The specified queue does not exist.'),
  /** A queue URL of another account: AWS refuses before it looks, whether or not the queue exists. */
  accessDenied: (url: string) => new AwsError('AccessDenied', `Access to the resource ${url} is denied.`, { status: 403, sender: true, queryCode: 'AccessDenied' }),
  invalidParameterValue: (message: string) => sqsError('InvalidParameterValue', message, 400),
  invalidValue: (param: string, value: unknown, reason: string) =>
    sqsError('InvalidParameterValue', `Value ${String(value)} for parameter ${param} is invalid. Reason: ${reason}`, 400),
  missingParameter: (param: string) =>
    sqsError('MissingParameter', `The request must contain the parameter ${param}.`, 400),
  invalidAddress: (url: string) => sqsError('InvalidAddress', `The address ${url} is not valid for this endpoint.`),
  invalidAttributeName: (name: string) => sqsError('InvalidAttributeName', `Unknown Attribute ${name}.`),
  invalidAttributeValue: (name: string, reason?: string) =>
    sqsError('InvalidAttributeValue', reason ? `Invalid value for the parameter ${name}. Reason: ${reason}` : `Invalid value for the parameter ${name}.`),
  receiptHandleIsInvalid: (handle: string) =>
    sqsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`),
  invalidMessageContents: () =>
    sqsError(
      'InvalidMessageContents',
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    ),
  tooManyEntries: (n: number) =>
    sqsError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${n}.`),
  emptyBatch: (entryShape: string) =>
    sqsError('EmptyBatchRequest', `There should be at least one ${entryShape} in the request.`),
  idsNotDistinct: (id: string) => sqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`),
  invalidBatchEntryId: () =>
    sqsError(
      'InvalidBatchEntryId',
      'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
    ),
  batchTooLong: (max: number, sent: number) =>
    sqsError('BatchRequestTooLong', `Batch requests cannot be longer than ${max} bytes. You have sent ${sent} bytes.`),
  overLimit: () =>
    sqsError('OverLimit', 'You have reached the maximum number of in flight messages. Delete messages or wait for them to become visible again.'),
  purgeInProgress: (arnOrUrl: string) =>
    sqsError('PurgeQueueInProgress', `Only one PurgeQueue operation on ${arnOrUrl} is allowed every 60 seconds.`),
  queueNameExists: (name: string) =>
    sqsError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${name}`),
  queueDeletedRecently: () =>
    sqsError('QueueDeletedRecently', 'You must wait 60 seconds after deleting a queue before you can create another with the same name.'),
  resourceNotFound: (message: string) => sqsError('ResourceNotFoundException', message),
  unsupported: (message: string) => sqsError('UnsupportedOperation', message),
};

/** A batch entry's failure: an AwsError becomes its Failed[] entry; anything else fails the request. */
export function batchFailure(id: string, err: unknown): BatchResultErrorEntry {
  if (err instanceof AwsError) return { Id: id, SenderFault: err.sender !== false, Code: err.code, Message: err.message };
  throw err;
}
