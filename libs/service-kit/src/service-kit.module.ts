import { Module, type DynamicModule, type InjectionToken, type ModuleMetadata } from '@nestjs/common';
import { HEALTH_CHECKS, HealthController, SERVICE_NAME, type HealthCheck } from './health';
import { MetricsController } from './metrics';
import { signedRoutesGuard } from './request-auth';

export interface ServiceKitOptions {
  service: string;
  /** Modules whose exports the health-check factory needs (e.g. the app's broker module). */
  imports?: ModuleMetadata['imports'];
  healthChecks?: { useFactory: (...deps: never[]) => HealthCheck[] | Promise<HealthCheck[]>; inject?: InjectionToken[] };
}

/**
 * /health and /metrics for a service; readiness comes from the checks the app lists here. With SigV4 on,
 * /metrics and /_wharf/<service>/… need a signature scoped to the service (SignedRoutesGuard).
 */
@Module({})
export class ServiceKitModule {
  static forService(options: ServiceKitOptions): DynamicModule {
    return {
      module: ServiceKitModule,
      imports: options.imports ?? [],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_NAME, useValue: options.service },
        signedRoutesGuard(options.service),
        {
          provide: HEALTH_CHECKS,
          useFactory: options.healthChecks?.useFactory ?? (() => []),
          inject: options.healthChecks?.inject ?? [],
        },
      ],
    };
  }
}
