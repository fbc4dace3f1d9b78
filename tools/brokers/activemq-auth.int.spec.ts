// Issue 11: "the development ActiveMQ pair accepts anonymous STOMP connections". The pair brokers.sh runs
// requires its user (WHARF_ACTIVEMQ_USER / WHARF_ACTIVEMQ_PASSWORD, wharf / wharf by default) on every
// transport. Proved on a private pair from the same script and template (own run dir and ports), with a real
// client per protocol: raw STOMP 1.2 over TCP, ActiveMQ's own OpenWire JMS client, rhea (AMQP 1.0), mqtt.js,
// and @stomp/stompjs over WebSocket.
import { execFile } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { Client as StompClient } from '@stomp/stompjs';
import { repoRoot, uniqueId } from '@wharf/testing';
import mqtt from 'mqtt';
import rhea from 'rhea';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ACTIVEMQ_LOGIN, privateActiveMqPair, type ActiveMqPorts, type PrivateActiveMqPair } from '../reliability/kill-brokers';

type Login = { user: string; password: string } | undefined;
const WRONG = { user: ACTIVEMQ_LOGIN.user, password: `${ACTIVEMQ_LOGIN.password}-wrong` };

/** The first frame the broker answers a STOMP CONNECT with: CONNECTED or ERROR. */
function stompTcp(port: number, login: Login): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1');
    let data = '';
    const headers = login ? `login:${login.user}\npasscode:${login.password}\n` : '';
    socket.on('connect', () => socket.write(`CONNECT\naccept-version:1.2\nhost:localhost\n${headers}\n\0`));
    socket.on('data', (d) => { data += d.toString(); if (data.includes('\0')) { socket.destroy(); resolve(data.split('\n')[0]); } });
    socket.on('error', reject);
    socket.on('close', () => resolve(data.split('\n')[0] || 'closed'));
  });
}

/** One answer per login ("ok" or the refusal), from one JVM. */
function openWire(port: number, logins: Login[]): Promise<string[]> {
  const args = ['-cp', join(repoRoot, 'tools/brokers/activemq/lib/*'), join(repoRoot, 'tools/brokers/activemq/probe/OpenWireLogin.java'),
    `tcp://127.0.0.1:${port}`, `auth.${uniqueId()}`, ...logins.map((l) => (l ? `${l.user}:${l.password}` : '-'))];
  return new Promise((resolve, reject) => execFile('java', args, { timeout: 170_000 }, (e, stdout, stderr) => (e ? reject(new Error(`${e.message}\n${stdout}${stderr}`)) : resolve(stdout.trim().split('\n')))));
}

function amqp10(port: number, login: Login): Promise<string> {
  return new Promise((resolve) => {
    const container = rhea.create_container();
    const c = container.connect({ host: '127.0.0.1', port, reconnect: false, ...(login ? { username: login.user, password: login.password } : {}) });
    c.on('connection_open', () => { c.close(); resolve('open'); });
    c.on('connection_error', (ctx) => resolve(`refused: ${String(ctx.connection.error?.description ?? ctx.connection.error?.condition ?? '')}`));
    c.on('disconnected', () => resolve('refused: disconnected'));
  });
}

function mqttConnect(port: number, login: Login): Promise<string> {
  return new Promise((resolve) => {
    const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 20_000, clientId: uniqueId('auth'), ...(login ? { username: login.user, password: login.password } : {}) });
    c.on('connect', () => { c.end(true); resolve('connected'); });
    c.on('error', (e) => { c.end(true); resolve(`refused: ${e.message}`); });
    c.on('close', () => resolve('refused: closed'));
  });
}

function stompWs(port: number, login: Login): Promise<string> {
  return new Promise((resolve) => {
    const client = new StompClient({
      webSocketFactory: () => new WebSocket(`ws://127.0.0.1:${port}`, ['v12.stomp']),
      connectHeaders: login ? { login: login.user, passcode: login.password } : {},
      reconnectDelay: 0,
      debug: () => undefined,
    });
    const done = (r: string) => { void client.deactivate(); resolve(r); };
    client.onConnect = () => done('CONNECTED');
    client.onStompError = (f) => done(`ERROR ${f.headers.message}`);
    client.onWebSocketClose = () => done('closed');
    client.activate();
  });
}

describe('the development ActiveMQ pair requires credentials on every transport', () => {
  let pair: PrivateActiveMqPair;
  let ports: ActiveMqPorts;
  beforeAll(async () => {
    pair = await privateActiveMqPair();
    ports = (await pair.active()) === 'a' ? pair.a : pair.b;
  }, 300_000);
  afterAll(async () => { await pair?.destroy(); }, 120_000);

  it('STOMP over TCP: anonymous and wrong password refused, the user connects', async () => {
    // ActiveMQ answers a refused CONNECT with an ERROR frame and closes; once in CI (a loaded box) its close
    // went out before the frame and the socket just closed. Either way no CONNECTED: refused.
    expect(['ERROR', 'closed']).toContain(await stompTcp(ports.stomp, undefined));
    expect(['ERROR', 'closed']).toContain(await stompTcp(ports.stomp, WRONG));
    expect(await stompTcp(ports.stomp, ACTIVEMQ_LOGIN)).toBe('CONNECTED');
  });

  it('OpenWire (ActiveMQ JMS client): anonymous refused with a security exception, the user sends and receives', async () => {
    const [anonymous, wrong, user] = await openWire(ports.openwire, [undefined, WRONG, ACTIVEMQ_LOGIN]);
    expect(anonymous).toMatch(/JMSSecurityException|SecurityException/);
    expect(wrong).toMatch(/JMSSecurityException|SecurityException/);
    expect(user).toBe('ok');
  }, 180_000);

  it('AMQP 1.0, MQTT and STOMP over WebSocket: anonymous refused, the user connects', async () => {
    expect(await amqp10(ports.amqp, undefined)).toMatch(/^refused/);
    expect(await amqp10(ports.amqp, ACTIVEMQ_LOGIN)).toBe('open');
    expect(await mqttConnect(ports.mqtt, undefined)).toMatch(/^refused/);
    expect(await mqttConnect(ports.mqtt, WRONG)).toMatch(/^refused/);
    expect(await mqttConnect(ports.mqtt, ACTIVEMQ_LOGIN)).toBe('connected');
    expect(await stompWs(ports.ws, undefined)).toMatch(/^ERROR/);
    expect(await stompWs(ports.ws, ACTIVEMQ_LOGIN)).toBe('CONNECTED');
  }, 60_000);
});
