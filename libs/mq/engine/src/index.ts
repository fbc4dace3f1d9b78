// Public surface of @wharf/mq-engine: the operation table and its context, the ports backends implement,
// the start the app runs, and what backends share (records, errors, ActiveMQ configuration parts).
// Test support: '@wharf/mq-engine/testing'.
export * from './operations';
export * from './context';
export * from './ports';
export { reloadDefinitions, resumeBrokers, superviseBrokers } from './broker-lifecycle';
export * from './errors';
export * from './model';
export * from './activemq-config';
export { failOverBroker } from './fail-over';
