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
