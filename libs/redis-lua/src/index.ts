export * from './lua-scripts';
