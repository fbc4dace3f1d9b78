import { unsupportedFeature } from '../errors';

// Mobile push and SMS are not part of Wharf: each of their operations answers InvalidParameter naming what is.

const MOBILE_PUSH = 'mobile push (platform applications and endpoints)';
const SMS = 'SMS';

function unsupported(feature: string): () => Promise<never> {
  return async () => {
    throw unsupportedFeature(feature);
  };
}

export const CreatePlatformApplication = unsupported(MOBILE_PUSH);
export const CreatePlatformEndpoint = unsupported(MOBILE_PUSH);
export const DeleteEndpoint = unsupported(MOBILE_PUSH);
export const DeletePlatformApplication = unsupported(MOBILE_PUSH);
export const GetEndpointAttributes = unsupported(MOBILE_PUSH);
export const GetPlatformApplicationAttributes = unsupported(MOBILE_PUSH);
export const ListEndpointsByPlatformApplication = unsupported(MOBILE_PUSH);
export const ListPlatformApplications = unsupported(MOBILE_PUSH);
export const SetEndpointAttributes = unsupported(MOBILE_PUSH);
export const SetPlatformApplicationAttributes = unsupported(MOBILE_PUSH);

export const CheckIfPhoneNumberIsOptedOut = unsupported(SMS);
export const CreateSMSSandboxPhoneNumber = unsupported(SMS);
export const DeleteSMSSandboxPhoneNumber = unsupported(SMS);
export const GetSMSAttributes = unsupported(SMS);
export const GetSMSSandboxAccountStatus = unsupported(SMS);
export const ListOriginationNumbers = unsupported(SMS);
export const ListPhoneNumbersOptedOut = unsupported(SMS);
export const ListSMSSandboxPhoneNumbers = unsupported(SMS);
export const OptInPhoneNumber = unsupported(SMS);
export const SetSMSAttributes = unsupported(SMS);
export const VerifySMSSandboxPhoneNumber = unsupported(SMS);
