export * from './ports';
export * from './app-process';
export * from './ids';
export * from './redis-keys';
export * from './raw-http';
export * from './brokers';
export * from './replicas';
export * from './wharf-stack';
