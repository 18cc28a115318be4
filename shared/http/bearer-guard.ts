import { toAppError, UnauthenticatedError } from '../errors';
import type { AccessControl, Caller } from '../access/access-control';
import type { HttpEvent } from './http-boundary';

/**
 * Paths that answer without a bearer token: the health check, the chat routes (they verify
 * platform signatures), and the web page's static files (the page asks for a token and sends it
 * with each API call it makes).
 */
export function isPublicPath(path: string): boolean {
  return path === '/healthz' || path === '/' || path.startsWith('/chat/') || path.startsWith('/assets/');
}

/** The caller the route guard authenticated. A route wired without the guard must not answer. */
export function authenticatedCaller(event: HttpEvent): Caller {
  if (!event.scope.caller) throw new UnauthenticatedError('no authenticated caller');
  return event.scope.caller;
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
