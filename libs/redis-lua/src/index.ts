export * from './lua-scripts';
export * from './replica-wait';
