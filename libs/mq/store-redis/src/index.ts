export * from './redis-store';
