import { createPrivateKey, createVerify, sign, type KeyObject, X509Certificate } from 'node:crypto';
import { stringToSign, type SignableFields } from './string-to-sign';
import type { SigningMaterial } from './certificate';

export type SignatureVersion = '1' | '2';

/** SignatureVersion 1 = SHA1withRSA, 2 = SHA256withRSA, base64. */
export class MessageSigner {
  private readonly key: KeyObject;

  constructor(readonly material: SigningMaterial) {
    this.key = createPrivateKey(material.privateKeyPem);
  }

  sign(fields: SignableFields, version: SignatureVersion): string {
    const algorithm = version === '2' ? 'sha256' : 'sha1';
    return sign(algorithm, Buffer.from(stringToSign(fields), 'utf8'), this.key).toString('base64');
  }

  /** The same signature computed on libuv's thread pool, off the event loop (RSA-2048 is ~0.4 ms). */
  signAsync(fields: SignableFields, version: SignatureVersion): Promise<string> {
    const algorithm = version === '2' ? 'sha256' : 'sha1';
    return new Promise((resolve, reject) => {
      sign(algorithm, Buffer.from(stringToSign(fields), 'utf8'), this.key, (err, signature) => (err ? reject(err) : resolve(signature.toString('base64'))));
    });
  }
}

/** What a subscriber does with the certificate it fetched from SigningCertURL. */
export function verifySnsSignature(
  message: SignableFields & { Signature: string; SignatureVersion: string },
  certificatePem: string,
): boolean {
  const algorithm = message.SignatureVersion === '2' ? 'RSA-SHA256' : 'RSA-SHA1';
  const verifier = createVerify(algorithm);
  verifier.update(stringToSign(message), 'utf8');
  return verifier.verify(new X509Certificate(certificatePem).publicKey, message.Signature, 'base64');
}
