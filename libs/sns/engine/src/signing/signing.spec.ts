import { createSign, createVerify, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { certificateFileName, checkSigningMaterial, generateSigningMaterial, type SigningMaterial } from './certificate';
import { MessageSigner, verifySnsSignature } from './signer';
import { stringToSign } from './string-to-sign';

let material: SigningMaterial;
beforeAll(() => {
  material = generateSigningMaterial({ notBefore: Date.UTC(2024, 0, 1), commonName: 'sns.test' });
});

describe('string to sign', () => {
  it('Notification: Message, MessageId, Subject (when present), Timestamp, TopicArn, Type', () => {
    const base = { Type: 'Notification' as const, MessageId: 'id', TopicArn: 'arn', Message: 'hi', Timestamp: 't' };
    expect(stringToSign(base)).toBe('Message\nhi\nMessageId\nid\nTimestamp\nt\nTopicArn\narn\nType\nNotification\n');
    expect(stringToSign({ ...base, Subject: 's' })).toBe('Message\nhi\nMessageId\nid\nSubject\ns\nTimestamp\nt\nTopicArn\narn\nType\nNotification\n');
  });

  it('SubscriptionConfirmation: Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type', () => {
    expect(
      stringToSign({ Type: 'SubscriptionConfirmation', MessageId: 'id', TopicArn: 'arn', Message: 'm', Timestamp: 't', SubscribeURL: 'u', Token: 'k' }),
    ).toBe('Message\nm\nMessageId\nid\nSubscribeURL\nu\nTimestamp\nt\nToken\nk\nTopicArn\narn\nType\nSubscriptionConfirmation\n');
  });
});

describe('signing material', () => {
  it('is a parseable self-signed X.509 v3 certificate that matches the key', () => {
    checkSigningMaterial(material);
    const cert = new X509Certificate(material.certificatePem);
    expect(cert.subject).toContain('CN=sns.test');
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(new Date(cert.validFrom).getTime()).toBeLessThanOrEqual(Date.UTC(2024, 0, 1));
    expect(new Date(cert.validTo).getUTCFullYear()).toBe(2033);
    expect(cert.keyUsage ?? []).not.toContain('keyCertSign');
    expect(certificateFileName(material.certificatePem)).toMatch(/^SimpleNotificationService-[0-9a-f]{32}\.pem$/);
  });

  it('rejects a key that is not the certificate\'s', () => {
    const other = generateSigningMaterial({ notBefore: Date.now(), modulusLength: 1024 });
    expect(() => checkSigningMaterial({ privateKeyPem: other.privateKeyPem, certificatePem: material.certificatePem })).toThrow(/do not match/);
  });
});

describe('signatures', () => {
  const fields = { Type: 'Notification' as const, MessageId: 'm-1', TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Message: 'héllo', Timestamp: '2024-01-01T00:00:00.000Z', Subject: 'sub' };

  it.each([
    ['1', 'RSA-SHA1'],
    ['2', 'RSA-SHA256'],
  ] as const)('SignatureVersion %s is %s over the canonical string, verifiable with the certificate', (version, algorithm) => {
    const signer = new MessageSigner(material);
    const signature = signer.sign(fields, version);
    // Independent check: node's verifier with the certificate's public key over the string we expect.
    const verify = createVerify(algorithm);
    verify.update(stringToSign(fields), 'utf8');
    expect(verify.verify(new X509Certificate(material.certificatePem).publicKey, signature, 'base64')).toBe(true);
    // Same as signing the canonical string directly with the private key.
    const direct = createSign(algorithm).update(stringToSign(fields), 'utf8').sign(material.privateKeyPem, 'base64');
    expect(signature).toBe(direct);
    expect(verifySnsSignature({ ...fields, Signature: signature, SignatureVersion: version }, material.certificatePem)).toBe(true);
    expect(verifySnsSignature({ ...fields, Message: 'tampered', Signature: signature, SignatureVersion: version }, material.certificatePem)).toBe(false);
  });

  it('a version-1 signature does not pass as version 2', () => {
    const signature = new MessageSigner(material).sign(fields, '1');
    expect(verifySnsSignature({ ...fields, Signature: signature, SignatureVersion: '2' }, material.certificatePem)).toBe(false);
  });
});
