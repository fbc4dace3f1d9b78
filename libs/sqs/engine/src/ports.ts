import type { QueueRef } from './names';

/** What the backend keeps about a queue: AWS attribute strings plus timestamps (ms). */
export interface QueueRecord {
  ref: QueueRef;
  fifo: boolean;
  attributes: Record<string, string>;
  createdMs: number;
  modifiedMs: number;
}

export interface SendEntry {
  id: string;
  /** Opaque to the backend: the engine's encoding of body, attributes and MD5s. */
  payload: string;
  /** -1: the queue's DelaySeconds (read atomically by the backend). */
  delayMs: number;
  groupId?: string;
  dedupId?: string;
}

export interface SendOutcome {
  id: string;
  sequenceNumber?: string;
  /** True when the dedup window swallowed it: id/sequence are the first message's. */
  duplicate: boolean;
}

export interface StoredMessage {
  id: string;
  payload: string;
  receiveCount: number;
  firstReceiveMs: number;
  token: string;
  /** Only when the backend has it at hand; the payload carries the authoritative value. */
  sentMs?: number;
  sequenceNumber?: string;
  groupId?: string;
  deadLetterSourceArn?: string;
}

export interface ReceiveOptions {
  max: number;
  visibilityMs: number;
  inflightLimit: number;
  /** FIFO only: cache the answer under this id for `attemptTtlMs`. */
  attemptId?: string;
  attemptTtlMs: number;
  /** Move to `dlq` instead of delivering once a message was received this many times. */
  maxReceiveCount?: number;
  dlq?: QueueRef;
  sourceArn?: string;
}

export type ReceiveOutcome =
  | { kind: 'ok'; messages: StoredMessage[]; /** earliest ms something may become receivable */ nextAt?: number }
  | { kind: 'nonexistent' }
  | { kind: 'overlimit' };

export interface HandleRef {
  id: string;
  token: string;
}

export type DeleteOutcome = 'ok' | 'stale' | 'gone';
export type VisibilityOutcome = 'ok' | 'invalid' | 'toolong';

export type MoveTaskStatus = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';
export interface MoveTaskRecord {
  taskId: string;
  source: QueueRef;
  sourceArn: string;
  destinationArn?: string;
  maxPerSecond?: number;
  status: MoveTaskStatus;
  moved: number;
  toMove: number;
  startedMs: number;
  failureReason?: string;
}

export type MoveOutcome = { kind: 'ok'; moved: number; remaining: number } | { kind: 'failed'; reason: string };

/** The broker side of the engine. Every method that changes several things does it atomically. */
export interface SqsStore {
  createQueue(
    ref: QueueRef,
    attributes: Record<string, string>,
    compare: Record<string, string>,
    tags: Record<string, string>,
    nowMs: number,
    recreateBlockMs: number,
  ): Promise<{ kind: 'created' | 'exists' } | { kind: 'mismatch'; attribute: string } | { kind: 'deletedRecently' }>;
  getQueue(ref: QueueRef): Promise<QueueRecord | undefined>;
  setAttributes(ref: QueueRef, attributes: Record<string, string>, remove: string[], nowMs: number): Promise<boolean>;
  deleteQueue(ref: QueueRef, nowMs: number, recreateBlockMs: number): Promise<boolean>;
  listQueues(account: string, prefix: string, after: string | undefined, limit: number): Promise<string[]>;
  counts(ref: QueueRef, nowMs: number): Promise<{ visible: number; notVisible: number; delayed: number }>;

  getTags(ref: QueueRef): Promise<Record<string, string> | undefined>;
  setTags(ref: QueueRef, tags: Record<string, string>, remove: string[]): Promise<boolean>;

  send(ref: QueueRef, entries: SendEntry[], nowMs: number): Promise<SendOutcome[] | undefined>;
  receive(ref: QueueRef, options: ReceiveOptions, nowMs: number): Promise<ReceiveOutcome>;
  delete(ref: QueueRef, handles: HandleRef[], nowMs: number): Promise<DeleteOutcome[] | undefined>;
  changeVisibility(
    ref: QueueRef,
    entries: (HandleRef & { visibilityMs: number })[],
    nowMs: number,
    maxTotalMs: number,
  ): Promise<VisibilityOutcome[] | undefined>;
  purge(ref: QueueRef, nowMs: number, windowMs: number): Promise<'ok' | 'inProgress' | 'nonexistent'>;

  /** Message move tasks (DLQ redrive). */
  startMoveTask(task: MoveTaskRecord): Promise<'ok' | 'active'>;
  getMoveTask(source: QueueRef, taskId: string): Promise<MoveTaskRecord | undefined>;
  listMoveTasks(source: QueueRef, max: number): Promise<MoveTaskRecord[]>;
  updateMoveTask(source: QueueRef, taskId: string, change: Partial<MoveTaskRecord>): Promise<void>;
  /** Sources with an active task, for movers in any process. */
  activeMoveSources(): Promise<QueueRef[]>;
  /** Takes or extends the lease on a source's active task; true when this owner holds it. */
  leaseMoveTask(source: QueueRef, owner: string, ttlMs: number): Promise<boolean>;
  /**
   * Moves up to `max` visible messages from `source` to `destination` (or, when undefined, to each
   * message's dead-letter source queue), atomically per message, receive count reset.
   */
  moveMessages(source: QueueRef, destination: QueueRef | undefined, max: number, nowMs: number): Promise<MoveOutcome>;
  /**
   * A store whose cross-queue moves are several steps (queues on different Redis Cluster nodes) finishes
   * here what a crashed process left half done; the mover calls it on every pass. Answers how many moved.
   */
  recoverMoves?(nowMs: number): Promise<number>;

  /** Long polling: a channel that is published to when a queue may have become receivable. */
  subscribe(ref: QueueRef): Promise<Subscription>;
}

export interface Subscription {
  /** Forget notifications seen so far. */
  reset(): void;
  /** Resolves at the next notification since the last reset (at once if one came already). */
  next(): Promise<void>;
  close(): void;
}

/** What a peek sees of one message: nothing about it changes by looking. */
export interface PeekedStored {
  id: string;
  payload: string;
  state: 'visible' | 'inflight' | 'delayed';
  receiveCount: number;
  sequenceNumber?: string;
}

/**
 * Read-only views for Wharf's console (`/_wharf/sqs/…`), kept apart from SqsStore: no API operation calls
 * them, so they add nothing to an operation's path.
 */
export interface SqsInspector {
  stats(
    ref: QueueRef,
    nowMs: number,
  ): Promise<{ visible: number; notVisible: number; delayed: number; oldestSentMs?: number; groupsInFlight?: number } | undefined>;
  /** The oldest `max` messages in sent order, whatever their state. */
  peek(ref: QueueRef, nowMs: number, max: number): Promise<PeekedStored[] | undefined>;
}
