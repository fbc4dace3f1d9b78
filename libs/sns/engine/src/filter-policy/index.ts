export * from './types';
export { compileFilterPolicy } from './compile';
export { matchesFilterPolicy, flattenBody, type FilterInput, type FilterableAttribute } from './match';
