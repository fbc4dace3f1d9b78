import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { type Findings, list } from './findings';

interface Connector {
  name?: string;
  uri?: string;
}

interface BrokerXml {
  beans?: {
    broker?: {
      dataDirectory?: string;
      persistenceAdapter?: { kahaDB?: { directory?: string; locker?: { 'shared-file-locker'?: unknown } } };
      transportConnectors?: { transportConnector?: Connector | Connector[] };
    };
  };
}

const under = (path: string, mount: string) => path === mount || path.startsWith(`${mount.replace(/\/$/, '')}/`);

/**
 * The ActiveMQ pair's broker.xml (compose and k8s load the same file): well-formed, KahaDB with the shared file
 * locker on a mount both brokers share, each broker's dataDirectory local, and every connector on 0.0.0.0.
 */
export function checkBrokerXml(
  f: Findings,
  xml: string,
  where: string,
  sharedMounts: string[],
  notShared = 'the KahaDB directory is not on a volume both brokers mount',
): void {
  const v = XMLValidator.validate(xml);
  if (v !== true) return f.err(`${where}: not well-formed XML: ${v.err.msg} (line ${v.err.line})`);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as BrokerXml;
  const broker = doc?.beans?.broker;
  if (!broker) return f.err(`${where}: no <beans><broker> element`);
  const kaha = broker.persistenceAdapter?.kahaDB;
  if (!kaha) return f.err(`${where}: no <persistenceAdapter><kahaDB>`);
  if (!kaha.locker?.['shared-file-locker']) f.err(`${where}: kahaDB has no <locker><shared-file-locker/> (the pair needs the shared lock)`);
  const dir = kaha.directory ?? '';
  const kahaMount = sharedMounts.find((m) => under(dir, m));
  if (!kahaMount) f.err(`${notShared} (kahaDB directory "${dir}"; shared: ${sharedMounts.join(', ') || 'none'})`);
  if (broker.dataDirectory && kahaMount && under(broker.dataDirectory, kahaMount))
    f.err(`${where}: broker dataDirectory must be local to each broker, not on the shared volume`);
  const connectors = list(broker.transportConnectors?.transportConnector);
  const schemes = connectors.map((c) => String(c.uri).split(':')[0]);
  for (const s of ['tcp', 'stomp', 'amqp', 'mqtt', 'ws']) if (!schemes.includes(s)) f.err(`${where}: no ${s}:// transport connector`);
  for (const c of connectors)
    if (!/^[a-z+]+:\/\/0\.0\.0\.0:\d+/.test(String(c.uri))) f.err(`${where}: connector ${c.name} must bind 0.0.0.0 in a container (${c.uri})`);
}
