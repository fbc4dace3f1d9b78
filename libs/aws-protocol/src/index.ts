export type { WireProtocol, HttpRequestLike, HttpResponseLike, RequestContext, DecodedRequest } from './types';
export { AwsError, type AwsErrorOptions, isAwsError, malformedInput, unknownOperation } from './errors';
export { newRequestId } from './request-id';
export { detectProtocol } from './detect';
export { CONTENT_TYPE } from './content-types';

export type { ServiceModel, ServiceName, ServiceDescriptor, OperationModel, ErrorModel } from './model/service-model';
export type { HttpTrait } from './rest-json/router';
export { buildServiceModel, findError } from './model/service-model';
export { sqsModel, snsModel, kinesisModel, mqModel, SQS, SNS, KINESIS, MQ } from './model/services';
export type { Shape, StructShape, ListShape, MapShape, ScalarShape, TimestampShape, Member, TimestampFormat } from './model/shapes';
export { compileShape } from './model/compile';

export { decodeRequest, requestContext, missingRequired, type RequestDefaults, type DecodeError } from './decode-request';
export { encodeResponse } from './encode-response';
export { encodeError, resolveError, type ResolvedError } from './encode-error';

export { arn, parseArn, type ArnParts } from './arn';
export { parseAuthorization, verifySigV4, type AuthorizationInfo, type AuthErrorStyle, type SignedBy, type VerifyOptions } from './sigv4';
export { signingScope, type CredentialScope } from './sigv4-parse';
export { SigV4Errors } from './sigv4-errors';
export {
  encodeEvent,
  encodeInitialResponse,
  encodeExceptionEvent,
  encodeErrorEvent,
  EVENT_STREAM_CONTENT_TYPE,
  type EventStreamOptions,
} from './event-stream';
export { encodeCbor, decodeCbor } from './cbor/codec';
