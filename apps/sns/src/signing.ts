import { certificateFileName, generateSigningMaterial, type SigningMaterial, type SnsStore } from '@wharf/sns-engine';

export const SIGNING = Symbol('SIGNING');

export interface SigningInfo {
  material: SigningMaterial;
  /** Path segment the certificate is served at. */
  certificateFile: string;
  signingCertUrl: string;
}

/** The deployment's one signing key: made by the first sns process, kept in Redis, read by all others. */
export async function loadSigning(store: SnsStore, publicUrl: string): Promise<SigningInfo> {
  const material = await store.signingMaterial(() =>
    generateSigningMaterial({ notBefore: Date.now(), commonName: new URL(publicUrl).hostname || 'sns.wharf.local' }),
  );
  const certificateFile = certificateFileName(material.certificatePem);
  return { material, certificateFile, signingCertUrl: `${publicUrl}/${certificateFile}` };
}
