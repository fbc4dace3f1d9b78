// Public surface of the SQS engine: the operation table, its context, the store port, and the pure
// helpers the backend and tests use.
export * from './context';
export * from './errors';
export * from './inspect';
export * from './limits';
export * from './md5';
export * from './message-validation';
export * from './move-task-mover';
export * from './names';
export * from './operations';
export * from './payload';
export * from './ports';
export * from './queue-attributes';
export * from './receipt';
