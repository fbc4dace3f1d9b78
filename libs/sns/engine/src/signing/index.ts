export * from './string-to-sign';
export * from './certificate';
export * from './signer';
