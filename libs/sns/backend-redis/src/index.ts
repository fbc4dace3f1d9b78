export { SnsKeys } from './keys';
export { RedisSnsStore, followSnsEvents } from './redis-sns-store';
export { RedisFifoStore } from './redis-fifo-store';
