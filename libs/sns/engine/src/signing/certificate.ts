import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { bitString, boolean, explicit, integer, nullValue, octetString, oid, sequence, set, time, utf8String } from './der';

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const COMMON_NAME = '2.5.4.3';
const ORGANIZATION = '2.5.4.10';
const BASIC_CONSTRAINTS = '2.5.29.19';
const KEY_USAGE = '2.5.29.15';
const SUBJECT_KEY_ID = '2.5.29.14';

/** The key pair SNS signs with and the certificate subscribers fetch from SigningCertURL (both PEM). */
export interface SigningMaterial {
  privateKeyPem: string;
  certificatePem: string;
}

export interface CertificateOptions {
  commonName?: string;
  /** Validity start (ms since epoch); the certificate is valid for `validDays` from then. */
  notBefore: number;
  validDays?: number;
  modulusLength?: number;
}

function name(commonName: string): Buffer {
  const rdn = (type: string, value: string) => set(sequence(oid(type), utf8String(value)));
  return sequence(rdn(ORGANIZATION, 'Wharf'), rdn(COMMON_NAME, commonName));
}

/** Generates an RSA key and a self-signed X.509 v3 certificate for it (SHA256withRSA). */
export function generateSigningMaterial(options: CertificateOptions): SigningMaterial {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: options.modulusLength ?? 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const algorithm = sequence(oid(SHA256_WITH_RSA), nullValue());
  const subject = name(options.commonName ?? 'sns.wharf.local');
  const notBefore = new Date(options.notBefore - 60_000);
  const notAfter = new Date(options.notBefore + (options.validDays ?? 3650) * 86_400_000);
  const keyId = createHash('sha1').update(spki).digest();
  const extensions = explicit(
    3,
    sequence(
      sequence(oid(BASIC_CONSTRAINTS), boolean(true), octetString(sequence())),
      // digitalSignature only.
      sequence(oid(KEY_USAGE), boolean(true), octetString(Buffer.from([0x03, 0x02, 0x07, 0x80]))),
      sequence(oid(SUBJECT_KEY_ID), octetString(octetString(keyId))),
    ),
  );
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    algorithm,
    subject,
    sequence(time(notBefore), time(notAfter)),
    subject,
    spki,
    extensions,
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, algorithm, bitString(signature));
  const certificatePem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), certificatePem };
}

/** Checks that the pair belongs together and the certificate parses; throws otherwise. */
export function checkSigningMaterial(material: SigningMaterial): void {
  const cert = new X509Certificate(material.certificatePem);
  const fromKey = createPublicKey(createPrivateKey(material.privateKeyPem)).export({ type: 'spki', format: 'der' });
  const fromCert = cert.publicKey.export({ type: 'spki', format: 'der' });
  if (!fromKey.equals(fromCert)) throw new Error('signing key and certificate do not match');
}

/** Short stable name for the certificate file, like AWS's SimpleNotificationService-<hash>.pem. */
export function certificateFileName(certificatePem: string): string {
  return `SimpleNotificationService-${createHash('sha256').update(certificatePem).digest('hex').slice(0, 32)}.pem`;
}
