export * from './management-client';
export * from './rabbitmq-backend';
export * from './tls-proxy';
