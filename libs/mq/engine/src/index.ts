// Public surface of @wharf/mq-engine: the operation table and its context, the ports backends implement,
// the lifecycle the app starts, and the pure helpers backends share. Test support: '@wharf/mq-engine/testing'.
export * from './operations';
export * from './context';
export * from './ports';
export * from './broker-lifecycle';
export * from './errors';
export * from './ids';
export * from './model';
export * from './catalog';
export * from './validation';
export * from './activemq-config';
