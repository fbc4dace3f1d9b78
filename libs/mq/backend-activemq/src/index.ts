export * from './broker-xml';
export * from './instance-process';
export * from './ports';
export * from './version';
export * from './local-backend';
export * from './static-backend';
