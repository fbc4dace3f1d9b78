import type { Caller } from './caller';

/**
 * One AWS operation of an engine: a function of the engine's dependencies, the SDK's own input type and the
 * caller, resolving to the SDK's own output type.
 */
export type Operation<Deps, Input, Output> = (deps: Deps, input: Input, caller: Caller) => Promise<Output>;

/**
 * An engine's operations by AWS operation name (`SendMessage`). The app hands it, with the engine's
 * dependencies, to service-kit's AwsApiModule, which refuses to start when the model has an operation the
 * table lacks.
 */
export type OperationTable<Deps> = { readonly [operation: string]: Operation<Deps, never, unknown> };

/** Checks a table's entries against `OperationTable<Deps>` while keeping each entry's own types. */
export function operationTable<Deps>() {
  return <T extends OperationTable<Deps>>(table: T): T => table;
}
