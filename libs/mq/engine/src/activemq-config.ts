import type { SanitizationWarning } from '@aws-sdk/client-mq';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { badRequest } from './errors';

/*
 * ActiveMQ configurations: the `<broker>` element of activemq.xml, base64 in the API. Like Amazon MQ we
 * keep an allow-list and report what we removed (SanitizationWarning); what we keep, the backend really
 * puts into the generated broker.xml.
 */

const CORE_NS = 'http://activemq.apache.org/schema/core';
const OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  commentPropName: '#comment',
  processEntities: false,
  parseTagValue: false,
  trimValues: true,
} as const;

/** `<broker>` attributes a configuration may set. */
const BROKER_ATTRIBUTES = new Set([
  'schedulePeriodForDestinationPurge',
  'offlineDurableSubscriberTimeout',
  'offlineDurableSubscriberTaskSchedule',
  'maxPurgedDestinationsPerSweep',
  'start',
]);
/** Children of `<broker>` a configuration may hold. */
const BROKER_ELEMENTS = new Set(['destinationPolicy', 'destinationInterceptors', 'networkConnectors', 'plugins']);
/** Children of `<plugins>` (authentication stays Wharf's own: simpleAuthenticationPlugin from the broker's users). */
const PLUGINS = new Set([
  'authorizationPlugin',
  'forcePersistencyModeBrokerPlugin',
  'redeliveryPlugin',
  'statisticsBrokerPlugin',
  'timeStampingBrokerPlugin',
]);
/** Never kept anywhere: they would let a configuration instantiate arbitrary Java classes. */
const FORBIDDEN_ANYWHERE = new Set(['bean', 'beans', 'import', 'property', 'value', 'ref', 'list', 'map']);

type XmlNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const tagOf = (node: XmlNode): string | undefined => Object.keys(node).find((k) => k !== ':@');

export interface SanitizedActiveMqConfig {
  /** Sanitized `<broker>` XML, base64. */
  data: string;
  warnings: SanitizationWarning[];
}

/** Broker parts the backend splices into its generated broker.xml. */
export interface ActiveMqConfigParts {
  attributes: Record<string, string>;
  /** XML of the allowed `<broker>` children except `<plugins>`. */
  elements: string[];
  /** XML of the allowed children of `<plugins>`. */
  plugins: string[];
}

function parseBroker(base64: string): XmlNode {
  if (!/^[A-Za-z0-9+/=\s]*$/.test(base64)) throw badRequest('data', 'data must be base64-encoded XML.');
  const xml = Buffer.from(base64, 'base64').toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw badRequest('data', 'The configuration must not contain a DOCTYPE or entity declarations.');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw badRequest('data', `The configuration is not well-formed XML: ${valid.err.msg} (line ${valid.err.line}).`);
  const tree = new XMLParser(OPTIONS).parse(xml) as XmlNode[];
  const root = tree.find((n) => tagOf(n) === 'broker');
  if (!root || tree.some((n) => { const t = tagOf(n); return t !== 'broker' && t !== '?xml' && t !== '#comment'; })) {
    throw badRequest('data', 'The configuration must have a single <broker> root element.');
  }
  return root;
}

function scrub(nodes: XmlNode[], warnings: SanitizationWarning[]): XmlNode[] {
  const kept: XmlNode[] = [];
  for (const node of nodes) {
    const tag = tagOf(node);
    if (!tag || tag === '#text' || tag === '#comment') { kept.push(node); continue; }
    const attrs = node[':@'] ?? {};
    const foreignNs = attrs.xmlns !== undefined && attrs.xmlns !== CORE_NS;
    if (FORBIDDEN_ANYWHERE.has(tag) || tag.includes(':') || foreignNs) {
      warnings.push({ ElementName: tag, Reason: 'DISALLOWED_ELEMENT_REMOVED' });
      continue;
    }
    for (const [name, value] of Object.entries(attrs)) {
      if (name.includes(':') || /\$\{/.test(value)) {
        delete attrs[name];
        warnings.push({ ElementName: tag, AttributeName: name, Reason: 'INVALID_ATTRIBUTE_VALUE_REMOVED' });
      }
    }
    kept.push({ ...node, [tag]: scrub(node[tag] as XmlNode[], warnings) });
  }
  return kept;
}

function sanitizeTree(root: XmlNode): { root: XmlNode; warnings: SanitizationWarning[] } {
  const warnings: SanitizationWarning[] = [];
  const attrs: Record<string, string> = { xmlns: CORE_NS };
  for (const [name, value] of Object.entries(root[':@'] ?? {})) {
    if (name === 'xmlns') continue;
    if (BROKER_ATTRIBUTES.has(name) && !/\$\{/.test(value)) attrs[name] = value;
    else warnings.push({ ElementName: 'broker', AttributeName: name, Reason: 'DISALLOWED_ATTRIBUTE_REMOVED' });
  }
  const children: XmlNode[] = [];
  for (const child of root.broker as XmlNode[]) {
    const tag = tagOf(child);
    if (!tag || tag === '#comment' || tag === '#text') { children.push(child); continue; }
    if (!BROKER_ELEMENTS.has(tag)) { warnings.push({ ElementName: tag, Reason: 'DISALLOWED_ELEMENT_REMOVED' }); continue; }
    if (tag === 'plugins') {
      const plugins: XmlNode[] = [];
      for (const p of child.plugins as XmlNode[]) {
        const ptag = tagOf(p);
        if (ptag && ptag !== '#comment' && ptag !== '#text' && !PLUGINS.has(ptag)) {
          warnings.push({ ElementName: ptag, Reason: 'DISALLOWED_ELEMENT_REMOVED' });
          continue;
        }
        plugins.push(p);
      }
      children.push({ plugins: scrub(plugins, warnings) });
      continue;
    }
    children.push(scrub([child], warnings)[0]);
  }
  return { root: { broker: children, ':@': attrs }, warnings };
}

const build = (nodes: XmlNode[], format = true): string =>
  new XMLBuilder({ ...OPTIONS, format, suppressEmptyNode: true }).build(nodes) as string;

/** UpdateConfiguration: check, sanitize, and say what was removed. */
export function sanitizeActiveMqConfig(base64: string): SanitizedActiveMqConfig {
  const { root, warnings } = sanitizeTree(parseBroker(base64));
  const xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + build([root]);
  return { data: Buffer.from(xml, 'utf8').toString('base64'), warnings: warnings.slice(0, 20) };
}

/** The parts of a (sanitized) configuration revision the broker.xml generator splices in. */
export function activeMqConfigParts(base64: string): ActiveMqConfigParts {
  const { root } = sanitizeTree(parseBroker(base64));
  const attributes = { ...(root[':@'] ?? {}) };
  delete attributes.xmlns;
  const elements: string[] = [];
  const plugins: string[] = [];
  for (const child of root.broker as XmlNode[]) {
    const tag = tagOf(child);
    if (!tag || tag === '#comment' || tag === '#text') continue;
    if (tag === 'plugins') {
      for (const p of child.plugins as XmlNode[]) {
        const ptag = tagOf(p);
        if (ptag && ptag !== '#comment' && ptag !== '#text') plugins.push(build([p]));
      }
    } else {
      elements.push(build([child]));
    }
  }
  return { attributes, elements, plugins };
}

export function defaultActiveMqConfig(): string {
  const xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<broker xmlns="http://activemq.apache.org/schema/core">
  <!-- The broker.xml Wharf generates holds users, storage and transport connectors; a configuration
       adds destination policies, interceptors, network connectors and the allowed plugins. -->
  <destinationPolicy>
    <policyMap>
      <policyEntries>
        <policyEntry topic="&gt;">
          <pendingMessageLimitStrategy>
            <constantPendingMessageLimitStrategy limit="3000"/>
          </pendingMessageLimitStrategy>
        </policyEntry>
      </policyEntries>
    </policyMap>
  </destinationPolicy>
  <plugins>
  </plugins>
</broker>
`;
  return Buffer.from(xml, 'utf8').toString('base64');
}

/** RabbitMQ configurations are cuttlefish `key = value` lines. */
export function parseCuttlefish(base64: string): Record<string, string> {
  if (!/^[A-Za-z0-9+/=\s]*$/.test(base64)) throw badRequest('data', 'data must be base64-encoded.');
  const text = Buffer.from(base64, 'base64').toString('utf8');
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    const m = /^([A-Za-z0-9_.$-]+)\s*=\s*(.*)$/.exec(t);
    if (!m) throw badRequest('data', `Line ${i + 1} of the configuration is not "key = value".`);
    out[m[1]] = m[2].trim();
  });
  return out;
}

export function defaultRabbitMqConfig(): string {
  return Buffer.from('# Default RabbitMQ delivery acknowledgement timeout is 30 minutes in milliseconds\nconsumer_timeout = 1800000\n').toString('base64');
}
