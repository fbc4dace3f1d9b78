import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { brokerXml, heapFor } from './broker-xml';
import { PortAllocator, canBind } from './ports';

const ports = { openwire: 20001, amqp: 20002, stomp: 20003, mqtt: 20004, ws: 20005 };

describe('brokerXml', () => {
  it('writes users, shared KahaDB with a shared-file-locker, and every connector', () => {
    const xml = brokerXml({
      brokerName: 'b-1',
      bindHost: '127.0.0.1',
      ports,
      dataDir: '/d/instance-1/data',
      kahaDbDir: '/d/shared/kahadb',
      users: [
        { username: 'app', password: 'p<&>"\'-12345', groups: ['admins', 'ops'] },
        { username: 'bare', password: 'abcdefghijkl', groups: [] },
      ],
    });
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<simpleAuthenticationPlugin anonymousAccessAllowed="false">');
    expect(xml).toContain('<authenticationUser username="app" password="p&lt;&amp;&gt;&quot;&apos;-12345" groups="admins,ops"/>');
    expect(xml).toContain('<authenticationUser username="bare" password="abcdefghijkl" groups="users"/>');
    expect(xml).toContain('<kahaDB directory="/d/shared/kahadb" lockKeepAlivePeriod="500">');
    expect(xml).toContain('<shared-file-locker lockAcquireSleepInterval="250"/>');
    for (const uri of ['tcp://127.0.0.1:20001', 'amqp://127.0.0.1:20002', 'stomp://127.0.0.1:20003', 'mqtt://127.0.0.1:20004', 'ws://127.0.0.1:20005']) {
      expect(xml).toContain(`uri="${uri}?`);
    }
  });

  it('splices in what a configuration revision may add, and TLS transports when configured', () => {
    const config = Buffer.from(
      '<broker xmlns="http://activemq.apache.org/schema/core" schedulePeriodForDestinationPurge="5000"><destinationPolicy><policyMap/></destinationPolicy><plugins><redeliveryPlugin/></plugins></broker>',
    ).toString('base64');
    const xml = brokerXml({ brokerName: 'b', bindHost: '0.0.0.0', ports, dataDir: '/d', kahaDbDir: '/k', users: [], configuration: config, tls: { keyStore: '/ks.jks', keyStorePassword: 'pw' } });
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('schedulePeriodForDestinationPurge="5000"');
    expect(xml).toContain('<destinationPolicy>');
    expect(xml).toMatch(/<plugins>[\s\S]*simpleAuthenticationPlugin[\s\S]*<redeliveryPlugin\/>[\s\S]*<\/plugins>/);
    expect(xml).toContain('<sslContext keyStore="/ks.jks" keyStorePassword="pw"/>');
    expect(xml).toContain('uri="ssl://0.0.0.0:20001?');
    expect(xml).toContain('uri="wss://0.0.0.0:20005?');
    const p12 = brokerXml({ brokerName: 'b', bindHost: '0.0.0.0', ports, dataDir: '/d', kahaDbDir: '/k', users: [], tls: { keyStore: '/tls/server.p12', keyStorePassword: 'changeit', keyStoreType: 'PKCS12' } });
    expect(p12).toContain('<sslContext keyStore="/tls/server.p12" keyStorePassword="changeit" keyStoreType="PKCS12"/>');
  });

  it('sizes the heap by instance type', () => {
    expect(heapFor('mq.t3.micro')).toBe('256m');
    expect(heapFor('mq.m5.large')).toBe('512m');
    expect(heapFor('mq.m5.xlarge')).toBe('1g');
  });
});

describe('PortAllocator', () => {
  it('never hands out a reserved or bound port, nor the same one twice', async () => {
    const { createServer } = await import('node:net');
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const busyPort = (busy.address() as { port: number }).port;
    const a = new PortAllocator('127.0.0.1', busyPort - 3, busyPort + 16);
    a.reserve([busyPort - 3]);
    const sets = await a.allocate(2);
    const all = sets.flatMap((s) => Object.values(s));
    expect(new Set(all).size).toBe(10);
    expect(all).not.toContain(busyPort);
    expect(all).not.toContain(busyPort - 3);
    await expect(new PortAllocator('127.0.0.1', busyPort, busyPort).allocate(1)).rejects.toThrow(/no free port/);
    busy.close();
    expect(await canBind('127.0.0.1', busyPort)).toBe(true);
  });
});
