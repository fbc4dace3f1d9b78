import { describe, expect, it } from 'vitest';
import { AwsError, snsModel } from '@wharf/aws-protocol';
import { snsOperations } from './operations';

describe('snsOperations', () => {
  it('has every operation of the SNS model, and nothing else', () => {
    const model = [...snsModel().operations.keys()].sort();
    expect(Object.keys(snsOperations).sort()).toEqual(model);
  });

  it('answers mobile push and SMS operations with InvalidParameter naming what Wharf supports', async () => {
    const push = await snsOperations.CreatePlatformEndpoint().catch((e: unknown) => e);
    expect(push).toBeInstanceOf(AwsError);
    expect(push).toMatchObject({ code: 'InvalidParameter', message: expect.stringMatching(/does not support mobile push.*Supported: topics/) });
    const sms = await snsOperations.OptInPhoneNumber().catch((e: unknown) => e);
    expect(sms).toMatchObject({ code: 'InvalidParameter', message: expect.stringMatching(/does not support SMS\. Supported: topics/) });
  });
});
