export * from './redis-store';
export * from './subscriber';
export * from './redis-inspector';
