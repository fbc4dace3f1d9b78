import { header, splitPathAndQuery } from './http/request';
import type { HttpRequestLike, WireProtocol } from './types';

/**
 * Which protocol a request speaks, from content-type, X-Amz-Target, then method + path.
 * JSON without a version in the content-type is reported as 1.1; decodeRequest settles it against the model.
 */
export function detectProtocol(req: HttpRequestLike): WireProtocol | undefined {
  const ct = (header(req, 'content-type') ?? '').toLowerCase();
  if (ct.startsWith('application/x-amz-cbor')) return 'cbor';
  if (ct.startsWith('application/x-amz-json-1.0')) return 'awsJson1_0';
  if (ct.startsWith('application/x-amz-json-1.1')) return 'awsJson1_1';
  if (header(req, 'x-amz-target')) return 'awsJson1_1';
  if (ct.startsWith('application/x-www-form-urlencoded')) return 'awsQuery';
  const [path, query] = splitPathAndQuery(req.path);
  if (/(^|&)Action=/.test(query)) return 'awsQuery';
  if (path.startsWith('/v1/')) return 'restJson1';
  if (req.method === 'POST' && !ct && /^Action=/.test(req.body.subarray(0, 7).toString('latin1'))) return 'awsQuery';
  return undefined;
}
