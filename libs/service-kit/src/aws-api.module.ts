import { type DynamicModule, type InjectionToken, Module, type ModuleMetadata, type Provider, type Type } from '@nestjs/common';
import type { ServiceModel } from '@wharf/aws-protocol';
import type { OperationTable } from '@wharf/engine-kit';
import { AwsApiHandler } from './aws-api-handler';
import { commonConfig } from './config';
import type { HealthCheck } from './health';
import { createLogger } from './logger';
import { authSettingsFromEnv, RequestAuthenticator } from './request-auth';
import { ServiceKitModule } from './service-kit.module';

/** The AwsApiHandler of the service (inject it into the app's controller). */
export const AWS_API_HANDLER = Symbol('AWS_API_HANDLER');

interface Factory<T> {
  useFactory: (...args: never[]) => T | Promise<T>;
  inject?: InjectionToken[];
}

export interface AwsApiModuleOptions {
  /** Service name: metrics label, logger name, /health. */
  service: string;
  model: ServiceModel;
  /** The engine's operation table: every operation of the model, or the service refuses to start. */
  operations: OperationTable<never>;
  /** Modules that provide the context and what `healthChecks` inject (the app's broker and engine wiring). */
  imports: NonNullable<ModuleMetadata['imports']>;
  /** The engine's context, handed to every operation: a provider the imported core module exports. */
  context: InjectionToken;
  healthChecks: Factory<HealthCheck[]>;
  controllers: Type[];
  providers?: Provider[];
  /** Operations AWS serves as unsigned GET links too (SNS: ConfirmSubscription, Unsubscribe). */
  linkOperations?: readonly string[];
}

/**
 * The API half of every Wharf service, built the same way for all four: /health and /metrics, and the AwsApiHandler (SigV4 when WHARF_VERIFY_SIGV4 is on) that the app's
 * controller hands requests to.
 */
@Module({})
export class AwsApiModule {
  static forService(options: AwsApiModuleOptions): DynamicModule {
    return {
      module: AwsApiModule,
      imports: [...options.imports, ServiceKitModule.forService({ service: options.service, imports: options.imports, healthChecks: options.healthChecks })],
      controllers: options.controllers,
      providers: [
        {
          provide: AWS_API_HANDLER,
          useFactory: (context: unknown) => createAwsApiHandler(options.service, options.model, options.operations, context, options.linkOperations),
          inject: [options.context],
        },
        ...(options.providers ?? []),
      ],
      exports: [AWS_API_HANDLER],
    };
  }
}

/** The handler for a service from the environment's common settings; throws when an operation is missing. */
export function createAwsApiHandler(
  service: string,
  model: ServiceModel,
  operations: OperationTable<never>,
  context: unknown,
  linkOperations: readonly string[] = [],
): AwsApiHandler {
  const common = commonConfig();
  const handler = new AwsApiHandler(model, operations, context, {
    region: common.region,
    accountId: common.accountId,
    logger: createLogger(service, common.logLevel),
    auth: new RequestAuthenticator(authSettingsFromEnv()),
    linkOperations: new Set(linkOperations),
  });
  const missing = handler.unimplemented();
  if (missing.length) throw new Error(`${service}: the engine's operation table lacks ${missing.join(', ')}`);
  return handler;
}
