/**
 * What an engine may log through; pino's Logger satisfies it, so apps pass theirs. Object first, message
 * second, as pino takes them.
 */
export interface EngineLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const ignore = (): void => undefined;

/** For engines built without a logger (unit tests, tools). */
export const silentLogger: EngineLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
