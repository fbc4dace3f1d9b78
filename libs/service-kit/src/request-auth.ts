import { type CanActivate, type ExecutionContext, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { verifySigV4, type AuthErrorStyle, type HttpRequestLike, type ServiceModel, type SignedBy, type WireProtocol } from '@wharf/aws-protocol';
import type { FastifyRequest } from 'fastify';
import { envBool, envString } from './config';
import { credentialStoreFromEnv, type CredentialStore } from './credentials';
import { toHttpRequestLike } from './http';

export interface AuthSettings {
  /** WHARF_VERIFY_SIGV4. */
  verify: boolean;
  store: CredentialStore;
  /** WHARF_REGIONS: the regions a credential scope may name; empty = any well-formed region name. */
  regions: ReadonlySet<string>;
}

export function authSettingsFromEnv(): AuthSettings {
  const regions = (process.env.WHARF_REGIONS ?? '').split(',').map((r) => r.trim()).filter(Boolean);
  return { verify: envBool('WHARF_VERIFY_SIGV4', false), store: credentialStoreFromEnv(), regions: new Set(regions) };
}

/** How a service's front end words authentication failures (see AuthErrorStyle). */
export function authStyleOf(model: ServiceModel): AuthErrorStyle {
  if (model.protocols.includes('awsQuery') || model.awsQueryCompatible) return 'query';
  return model.protocols.includes('restJson1') ? 'rest' : 'json';
}

/** SigV4 for every part of a service that checks it: the AWS API handler and the signed-routes guard. */
export class RequestAuthenticator {
  constructor(readonly settings: AuthSettings) {}

  get enabled(): boolean {
    return this.settings.verify;
  }

  /** The account of a listed access key (whether or not signatures are verified). */
  readonly accountOf = (accessKeyId: string): string | undefined => this.settings.store.accountOf(accessKeyId);

  /** The account a request signed with `accessKeyId` acts for: as `decodeRequest` settles it for AWS calls. */
  accountFor(accessKeyId: string): string {
    return this.accountOf(accessKeyId) ?? (/^\d{12}$/.test(accessKeyId) ? accessKeyId : envString('WHARF_ACCOUNT_ID', '000000000000'));
  }

  /** Verifies `req` was signed for `service` by a known key; throws the style's AwsError. */
  verify(req: HttpRequestLike, service: string, style: AuthErrorStyle): Promise<SignedBy> {
    const regions = this.settings.regions;
    return verifySigV4(req, async (id) => this.settings.store.secret(id), {
      service,
      style,
      ...(regions.size ? { validRegion: (r: string) => regions.has(r) } : {}),
    });
  }
}

/** Who signed a request to a Wharf route (set by SignedRoutesGuard when SigV4 is on). */
export interface SignedCaller {
  accessKeyId: string;
  accountId: string;
}

/** The signer of a request the guard verified; undefined when SigV4 is off (every account's view). */
export function signedCallerOf(request: unknown): SignedCaller | undefined {
  return (request as { wharfSignedCaller?: SignedCaller }).wharfSignedCaller;
}

/** An error the exception filter answers in `protocol` whatever the request looks like. */
export type ProtocolPinned = Error & { protocol?: WireProtocol };

/**
 * With SigV4 on, Wharf's own routes need a signature like the AWS API: `/metrics` and `/_wharf/<own>/…` verify
 * with credential-scope service `scope` (the service's signing name; `wharf` for the edge). Open: `/health…`,
 * and the console's static files under `/_wharf/console/` (they hold no data; the page asks for keys and
 * signs its calls). Every other path is the AWS API, which the service's AwsApiHandler verifies (on the
 * edge: the service it is forwarded to).
 */
export class SignedRoutesGuard implements CanActivate {
  constructor(
    private readonly auth: RequestAuthenticator,
    private readonly own: string,
    private readonly scope: string,
  ) {}

  /** Whether `path` (no query) is one this guard protects. */
  protects(path: string): boolean {
    if (path === '/metrics') return true;
    if (path === '/_wharf/console' || path.startsWith('/_wharf/console/')) return false;
    return path === `/_wharf/${this.own}` || path.startsWith(`/_wharf/${this.own}/`);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.auth.enabled || context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const path = request.url.split('?')[0];
    if (!this.protects(path)) return true;
    try {
      const signed = await this.auth.verify(toHttpRequestLike(request), this.scope, 'rest');
      // Admin routes answer for the signer's account only (e.g. an MQ broker's instances).
      (request as { wharfSignedCaller?: SignedCaller }).wharfSignedCaller = { accessKeyId: signed.accessKeyId, accountId: this.auth.accountFor(signed.accessKeyId) };
    } catch (error) {
      (error as ProtocolPinned).protocol = 'restJson1';
      throw error;
    }
    return true;
  }
}

/** The guard as an app-wide provider: `own` names the `/_wharf/<own>/` routes, `scope` the signing name they need. */
export function signedRoutesGuard(own: string, scope: string = own): Provider {
  return { provide: APP_GUARD, useFactory: () => new SignedRoutesGuard(new RequestAuthenticator(authSettingsFromEnv()), own, scope) };
}
