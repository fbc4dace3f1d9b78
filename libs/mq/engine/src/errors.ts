import { AwsError } from '@wharf/aws-protocol';

/*
 * The MQ model's errors all carry `errorAttribute` (the offending input member, as on the wire) and
 * `message`; status comes from the model (400, 401, 403, 404, 409, 500).
 */
function mqError(code: string, message: string, attribute?: string): AwsError {
  return new AwsError(code, message, attribute ? { extra: { ErrorAttribute: attribute } } : {});
}

export const badRequest = (attribute: string | undefined, message: string): AwsError =>
  mqError('BadRequestException', message, attribute);
export const notFound = (attribute: string | undefined, message: string): AwsError =>
  mqError('NotFoundException', message, attribute);
export const conflict = (attribute: string | undefined, message: string): AwsError =>
  mqError('ConflictException', message, attribute);
export const internalError = (message: string): AwsError => mqError('InternalServerErrorException', message);

/** The member the error names, for tests and logs. */
export function errorAttributeOf(error: unknown): string | undefined {
  return error instanceof AwsError ? (error.extra?.ErrorAttribute as string | undefined) : undefined;
}
