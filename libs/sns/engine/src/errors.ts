import { AwsError } from '@wharf/aws-protocol';

// SNS answers most validation failures with InvalidParameter and a message that starts "Invalid parameter: ".
// The codec takes HTTP status and fault from the SDK's error schema; these helpers only name code and text.

export function invalidParameter(message: string): AwsError {
  return new AwsError('InvalidParameter', message.startsWith('Invalid parameter') ? message : `Invalid parameter: ${message}`);
}

export function parameterValueInvalid(message: string): AwsError {
  return new AwsError('ParameterValueInvalid', message);
}

export function notFound(message: string): AwsError {
  return new AwsError('NotFound', message);
}

export function resourceNotFound(message = 'Resource does not exist'): AwsError {
  return new AwsError('ResourceNotFound', message);
}

export function topicNotFound(): AwsError {
  return notFound('Topic does not exist');
}

export function subscriptionNotFound(): AwsError {
  return notFound('Subscription does not exist');
}

/** Mobile push, SMS and email are not part of Wharf: say so, and name what is. */
export function unsupportedFeature(feature: string): AwsError {
  return invalidParameter(
    `Wharf SNS does not support ${feature}. Supported: topics (standard and FIFO) with sqs, http and https subscriptions.`,
  );
}

/** A broker or store failure while keeping a published message: the service's fault, worth a retry. */
export function storageFailure(error: unknown): AwsError {
  if (error instanceof AwsError) return error;
  return new AwsError('InternalError', `The message could not be stored: ${error instanceof Error ? error.message : String(error)}`, { status: 500, sender: false });
}

export function authorizationError(message: string): AwsError {
  return new AwsError('AuthorizationError', message);
}

export function filterPolicyLimitExceeded(): AwsError {
  return new AwsError('FilterPolicyLimitExceeded', 'Filter policy limit exceeded');
}

export function tagLimitExceeded(): AwsError {
  return new AwsError('TagLimitExceeded', 'Could not complete request: tag quota of per resource exceeded');
}

// PublishBatch's request-level errors.
export function emptyBatchRequest(): AwsError {
  return new AwsError('EmptyBatchRequest', 'The batch request doesn\'t contain any entries.');
}

export function tooManyEntriesInBatchRequest(): AwsError {
  return new AwsError('TooManyEntriesInBatchRequest', 'The batch request contains more entries than permissible.');
}

export function batchEntryIdsNotDistinct(): AwsError {
  return new AwsError('BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.');
}

export function invalidBatchEntryId(): AwsError {
  return new AwsError('InvalidBatchEntryId', 'The Id of a batch entry in a batch request doesn\'t abide by the specification.');
}

export function batchRequestTooLong(): AwsError {
  return new AwsError('BatchRequestTooLong', 'The length of all the messages put together is more than the limit.');
}
