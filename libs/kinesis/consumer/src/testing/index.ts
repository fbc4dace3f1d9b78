export * from './fake-kinesis';
