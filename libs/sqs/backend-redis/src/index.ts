export * from './redis-store';
export * from './scripts';
export * from './subscriber';
