export * from './caller';
export * from './clock';
export * from './logger';
export * from './operations';
