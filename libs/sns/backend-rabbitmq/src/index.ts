export { RabbitConnection, type Log } from './connection';
export { RabbitSnsBus } from './fan-out-bus';
export { DeliveryWorker, type WorkerDecision, type DeliveryWorkerOptions } from './delivery-worker';
export * from './names';
