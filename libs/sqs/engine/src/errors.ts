/**
 * An SQS error as AWS words it. `code` is the shape name of the SQS model (QueueDoesNotExist) or, for
 * errors the model does not declare, AWS's query code (InvalidParameterValue, MissingParameter).
 * The app turns it into the protocol's error (status and query code come from the model).
 */
export class SqsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly senderFault = true,
    readonly status?: number,
  ) {
    super(message);
    this.name = code;
  }
}

export const isSqsError = (e: unknown): e is SqsError => e instanceof SqsError;

export const Errors = {
  queueDoesNotExist: () => new SqsError('QueueDoesNotExist', 'The specified queue does not exist.'),
  invalidParameterValue: (message: string) => new SqsError('InvalidParameterValue', message, true, 400),
  invalidValue: (param: string, value: unknown, reason: string) =>
    new SqsError('InvalidParameterValue', `Value ${String(value)} for parameter ${param} is invalid. Reason: ${reason}`, true, 400),
  missingParameter: (param: string) =>
    new SqsError('MissingParameter', `The request must contain the parameter ${param}.`, true, 400),
  invalidAddress: (url: string) => new SqsError('InvalidAddress', `The address ${url} is not valid for this endpoint.`),
  invalidAttributeName: (name: string) => new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`),
  invalidAttributeValue: (name: string, reason?: string) =>
    new SqsError('InvalidAttributeValue', reason ? `Invalid value for the parameter ${name}. Reason: ${reason}` : `Invalid value for the parameter ${name}.`),
  receiptHandleIsInvalid: (handle: string) =>
    new SqsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`),
  invalidMessageContents: () =>
    new SqsError(
      'InvalidMessageContents',
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    ),
  tooManyEntries: (n: number) =>
    new SqsError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${n}.`),
  emptyBatch: (entryShape: string) =>
    new SqsError('EmptyBatchRequest', `There should be at least one ${entryShape} in the request.`),
  idsNotDistinct: (id: string) => new SqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`),
  invalidBatchEntryId: () =>
    new SqsError(
      'InvalidBatchEntryId',
      'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
    ),
  batchTooLong: (max: number, sent: number) =>
    new SqsError('BatchRequestTooLong', `Batch requests cannot be longer than ${max} bytes. You have sent ${sent} bytes.`),
  overLimit: () =>
    new SqsError('OverLimit', 'You have reached the maximum number of in flight messages. Delete messages or wait for them to become visible again.'),
  purgeInProgress: (arnOrUrl: string) =>
    new SqsError('PurgeQueueInProgress', `Only one PurgeQueue operation on ${arnOrUrl} is allowed every 60 seconds.`),
  queueNameExists: (name: string) =>
    new SqsError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${name}`),
  queueDeletedRecently: () =>
    new SqsError('QueueDeletedRecently', 'You must wait 60 seconds after deleting a queue before you can create another with the same name.'),
  resourceNotFound: (message: string) => new SqsError('ResourceNotFoundException', message),
  unsupported: (message: string) => new SqsError('UnsupportedOperation', message),
};
