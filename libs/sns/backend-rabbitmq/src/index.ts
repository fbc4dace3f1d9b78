export { parseAmqpUrls, RabbitConnection, type Log } from './connection';
export { RabbitSnsBus, type QueueType, type RabbitSnsBusOptions } from './fan-out-bus';
export { DeliveryWorker, type WorkerDecision, type DeliveryWorkerOptions } from './delivery-worker';
export * from './names';
