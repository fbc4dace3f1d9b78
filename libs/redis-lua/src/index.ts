export * from './lua-scripts';
export * from './replica-wait';
export * from './durable-write';
export * from './key-slot';
