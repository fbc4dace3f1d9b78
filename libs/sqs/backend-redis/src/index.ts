export * from './redis-store';
export * from './subscriber';
