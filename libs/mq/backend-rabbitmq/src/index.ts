export * from './management-client';
export * from './rabbitmq-backend';
