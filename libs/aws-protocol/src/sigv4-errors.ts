import { AwsError } from './errors';

/**
 * How a service reports authentication failures. AWS answers them before the service's own code runs, and
 * each front end has its own habits:
 * - `query`: SQS (Query and its JSON, which carries the Query code in x-amzn-query-error) and SNS:
 *   `MissingAuthenticationToken`, `InvalidClientTokenId`, `SignatureDoesNotMatch` 403, `IncompleteSignature` 400.
 * - `json`: Kinesis (Coral JSON): the `…Exception` names, all 400.
 * - `rest`: Amazon MQ and Wharf's own routes (API Gateway style): the `…Exception` names, all 403.
 */
export type AuthErrorStyle = 'query' | 'json' | 'rest';

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** The errors of one style. */
export class SigV4Errors {
  constructor(readonly style: AuthErrorStyle) {}

  private make(jsonName: string, queryCode: string, message: string, queryStatus: number): AwsError {
    const status = this.style === 'query' ? queryStatus : this.style === 'json' ? 400 : 403;
    return new AwsError(this.style === 'query' ? queryCode : jsonName, message, { status, queryCode });
  }

  missing(): AwsError {
    return this.style === 'rest'
      ? this.make('MissingAuthenticationTokenException', 'MissingAuthenticationToken', 'Missing Authentication Token', 403)
      : this.make('MissingAuthenticationTokenException', 'MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
  }

  unknownKey(): AwsError {
    return this.make('UnrecognizedClientException', 'InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
  }

  /** The signature, or something it covers (date, scope, signed headers, payload), is wrong. */
  mismatch(message = MISMATCH): AwsError {
    return this.make('InvalidSignatureException', 'SignatureDoesNotMatch', message, 403);
  }

  /** The Authorization header or the presigned parameters are malformed or incomplete. */
  incomplete(message: string): AwsError {
    return this.make('IncompleteSignatureException', 'IncompleteSignature', message, 400);
  }

  /** A presigned URL past its X-Amz-Expires. */
  expired(message: string): AwsError {
    return this.style === 'query' ? new AwsError('RequestExpired', message, { status: 400 }) : this.mismatch(message);
  }
}
