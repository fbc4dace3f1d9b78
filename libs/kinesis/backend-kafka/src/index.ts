export * from './kafka-record-log';
export * from './redis-metadata';
