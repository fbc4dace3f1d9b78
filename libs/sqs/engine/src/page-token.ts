import { Errors } from './errors';

/** NextToken of ListQueues / ListDeadLetterSourceQueues: the last name of the page, opaque to clients. */
export const encodeToken = (s: string) => Buffer.from(JSON.stringify({ after: s }), 'utf8').toString('base64');

export function decodeToken(t: string): string {
  try {
    const o = JSON.parse(Buffer.from(t, 'base64').toString('utf8'));
    if (typeof o.after === 'string') return o.after;
  } catch {
    /* below */
  }
  throw Errors.invalidParameterValue('Invalid NextToken value.');
}
