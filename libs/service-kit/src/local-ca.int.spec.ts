import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttp1AndH2cServer } from './dual-listener';
import { ensureLocalCa, KEYSTORE_PASSWORD } from './local-ca';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'wharf-ca-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('local CA', () => {
  // RSA key generation and keytool (a JVM start) take seconds on a loaded machine
  const SLOW = 180_000;

  it('is created once and reused: the same CA and server certificate on the next start', { timeout: SLOW }, () => {
    const dir = tmp();
    const first = ensureLocalCa({ dir });
    expect(first.trustStorePath).toBe(join(dir, 'truststore.p12')); // keytool is installed here (Java 17)
    const again = ensureLocalCa({ dir });
    expect(again.ca).toBe(first.ca);
    expect(again.cert).toBe(first.cert);
    const ca = new X509Certificate(first.ca);
    const server = new X509Certificate(first.cert);
    expect(ca.ca).toBe(true);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.subjectAltName).toContain('DNS:localhost');
    expect(server.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(server.subjectAltName).toContain('DNS:edge');
  });

  it('issues the server certificate again (same CA) when a name is missing, and PKCS#12 holds its key and chain', { timeout: SLOW }, () => {
    const dir = tmp();
    const first = ensureLocalCa({ dir });
    const more = ensureLocalCa({ dir, sans: ['wharf.example.test', '10.1.2.3'] });
    expect(more.ca).toBe(first.ca);
    expect(more.cert).not.toBe(first.cert);
    expect(more.sans).toEqual(expect.arrayContaining(['wharf.example.test', '10.1.2.3', 'localhost']));
    const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(readFileSync(more.keyStorePath).toString('binary')), KEYSTORE_PASSWORD);
    const certs = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
    expect(certs.map((b) => b.cert && forge.pki.certificateToPem(b.cert).replace(/\r/g, ''))).toEqual([more.cert.replace(/\r/g, ''), more.ca.replace(/\r/g, '')]);
    expect(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag]).toHaveLength(1);
  });

  it('processes starting at once end up with one CA (creation runs under a lock)', { timeout: SLOW }, async () => {
    const dir = tmp();
    // the children load the built module, as the services do
    const built = join(__dirname, '../dist/local-ca.js');
    const run = promisify(execFile);
    const code = `const k=require(${JSON.stringify(built)}); process.stdout.write(k.ensureLocalCa({dir:${JSON.stringify(dir)}}).ca)`;
    const outs = await Promise.all([1, 2, 3].map(() => run(process.execPath, ['-e', code], { timeout: 60_000 })));
    expect(new Set(outs.map((o) => o.stdout)).size).toBe(1);
    expect(outs[0].stdout).toBe(readFileSync(join(dir, 'ca.crt'), 'utf8'));
  });
});

describe('HTTPS beside cleartext on one port (dual listener with tls)', () => {
  it('serves https (ALPN h2 and http/1.1), HTTP/1.1 and h2c on the same port, all to one handler', { timeout: 180_000 }, async () => {
    const ca = ensureLocalCa({ dir: tmp() });
    const server = createHttp1AndH2cServer((req, res) => {
      res.end(`${req.httpVersion} ${(req.socket as { encrypted?: boolean }).encrypted === true ? 'tls' : 'clear'}`);
    }, { tls: { key: ca.key, cert: ca.cert } });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const get = (mod: typeof http | typeof https, url: string, options: https.RequestOptions = {}) =>
        new Promise<string>((resolve, reject) => {
          mod.get(url, options, (res) => {
            let b = '';
            res.on('data', (c: Buffer) => (b += c.toString()));
            res.on('end', () => resolve(b));
          }).on('error', reject);
        });
      const h2 = (origin: string, options: http2.SecureClientSessionOptions = {}) =>
        new Promise<string>((resolve, reject) => {
          const session = http2.connect(origin, options);
          session.on('error', reject);
          const s = session.request({ ':path': '/' });
          let b = '';
          s.on('data', (c: Buffer) => (b += c.toString()));
          s.on('end', () => {
            session.close();
            resolve(b);
          });
          s.end();
        });
      expect(await get(https, `https://localhost:${port}/`, { ca: ca.ca })).toBe('1.1 tls');
      expect(await h2(`https://localhost:${port}`, { ca: ca.ca })).toBe('2.0 tls');
      expect(await get(http, `http://127.0.0.1:${port}/`)).toBe('1.1 clear');
      expect(await h2(`http://127.0.0.1:${port}`)).toBe('2.0 clear');
      await expect(get(https, `https://localhost:${port}/`)).rejects.toThrow(/self-signed|local issuer|certificate/i);
      expect(await get(http, `http://127.0.0.1:${port}/`)).toBe('1.1 clear');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(() => r(undefined)));
    }
  });
});
