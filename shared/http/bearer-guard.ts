import { toAppError } from '../errors';
import type { AccessControl } from '../access/access-control';
import type { HttpEvent } from './http-boundary';

/** Paths that answer without a bearer token: the health check, and the chat routes (they verify platform signatures). */
export function isPublicPath(path: string): boolean {
  return path === '/healthz' || path.startsWith('/chat/');
}

/**
 * The HTTP API's route guard: authenticates `Authorization: Bearer …` and records the caller in
 * `event.scope`. A refused lookup route also gets its audit line. Throws UnauthenticatedError (401,
 * with `WWW-Authenticate: Bearer`).
 */
export function requireBearer(access: AccessControl, event: HttpEvent): void {
  try {
    event.scope.caller = access.authenticateHttp(event.http.headers.authorization);
    event.scope.fields.caller = event.scope.caller.id;
  } catch (error) {
    const appError = toAppError(error);
    event.scope.fields.rejected = appError.message;
    if (event.http.path === '/v1/trace') {
      event.scope.audit({ caller: { channel: 'http', id: 'anonymous' }, outcome: 'refused', reason: 'unauthenticated', errorCode: appError.code, upstreamRequestIds: [] });
    }
    throw appError;
  }
}
