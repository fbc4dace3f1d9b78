// The SNS engine: its operation table and context, the ports backends implement, and the pure semantics the
// app's delivery and the backends share (delivery plans, envelopes, signing, names, stored messages).
export * from './operations';
export * from './context';
export * from './ports';
export * from './records';
export * from './errors';
export * from './ip';
export * from './names';
export * from './filter-policy';
export * from './signing';
export * from './message-attributes';
export * from './stored-message';
export * from './envelope';
export * from './delivery-policy';
export * from './delivery';
export * from './fifo';
export * from './endpoints';
export * from './topic-attributes';
export * from './subscription-attributes';
