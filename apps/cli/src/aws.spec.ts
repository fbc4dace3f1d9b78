import { describe, expect, it } from 'vitest';
import { describeError, isRetryable, persist } from './aws';

const aws = (status: number, name = 'InternalFailure') => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('isRetryable', () => {
  it('5xx, throttles, dropped connections and the SDK verdict are retryable; client errors are not', () => {
    expect(isRetryable(aws(500))).toBe(true);
    expect(isRetryable(aws(503, 'ServiceUnavailable'))).toBe(true);
    expect(isRetryable(aws(429, 'Throttling'))).toBe(true);
    expect(isRetryable(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('x'), { $retryable: {} }))).toBe(true);
    expect(isRetryable(aws(400, 'InvalidParameterValue'))).toBe(false);
    expect(isRetryable(aws(403, 'AccessDenied'))).toBe(false);
    expect(isRetryable(new Error('plain'))).toBe(false);
  });
});

describe('describeError', () => {
  it('names the HTTP status, and the attempt when the SDK sent the call more than once', () => {
    expect(describeError(aws(400, 'ResourceNotFoundException'))).toBe('ResourceNotFoundException (HTTP 400): ResourceNotFoundException');
    const retried = Object.assign(new Error('Stream s not found'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400, attempts: 2 } });
    expect(describeError(retried)).toBe('ResourceNotFoundException (HTTP 400, attempt 2): Stream s not found');
  });

  it('shows what answered when the SDK could not parse it (something else at the endpoint)', () => {
    const unparsable = Object.assign(new SyntaxError(`Unexpected token '<'`), { $metadata: { httpStatusCode: 400 } });
    Object.defineProperty(unparsable, '$responseBodyText', { value: '<?xml version="1.0"?>\n<ErrorResponse>\n  <Error><Code>InvalidAction</Code></Error>\n</ErrorResponse>' });
    expect(describeError(unparsable)).toBe(
      'the endpoint answered in a form the SDK cannot read (HTTP 400): <?xml version="1.0"?> <ErrorResponse> <Error><Code>InvalidAction</Code></Error> </ErrorResponse>',
    );
  });
});

describe('persist', () => {
  it('calls again after retryable errors and returns the first success, warning each time', async () => {
    const warnings: string[] = [];
    let calls = 0;
    const out = await persist('receive', async () => (++calls < 3 ? Promise.reject(aws(500)) : 'ok'), (l) => warnings.push(l));
    expect(out).toBe('ok');
    expect(calls).toBe(3);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^receive failed \(InternalFailure \(HTTP 500\)/);
  });

  it('throws a client error at once, and a retryable one once its time is up', async () => {
    let calls = 0;
    await expect(persist('send', async () => { calls++; throw aws(400, 'InvalidParameterValue'); }, () => undefined)).rejects.toThrow('InvalidParameterValue');
    expect(calls).toBe(1);
    calls = 0;
    await expect(persist('send', async () => { calls++; throw aws(500); }, () => undefined, 0)).rejects.toThrow('InternalFailure');
    expect(calls).toBe(1);
  });
});
