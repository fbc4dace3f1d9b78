export * from './config';
export * from './logger';
export * from './metrics';
export * from './health';
export * from './http';
export * from './aws-api-handler';
export * from './bootstrap';
export * from './service-kit.module';
