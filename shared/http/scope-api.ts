import type { AccessControl } from '../access/access-control';
import { authenticatedCaller } from './bearer-guard';
import type { HttpEvent } from './http-boundary';
import { jsonResponse, type FcHttpResponse } from './http-response';
import type { ScopeView } from './scope-schema';

/**
 * `GET /v1/scope`: what the bearer token may look up, so that a client (the web page, the CLI) can
 * offer the caller's aliases and default instance. It reads the access document only; no upstream
 * call, no audit entry (it looks nothing up).
 */
export function createScopeApi(deps: { access: Pick<AccessControl, 'instanceChoices'> }): { get(event: HttpEvent): Promise<FcHttpResponse> } {
  return {
    async get(event) {
      const caller = authenticatedCaller(event);
      const { defaultInstance, aliases } = deps.access.instanceChoices(caller);
      const defaultAlias = aliases.find((a) => a.instanceId === defaultInstance)?.alias;
      const body: ScopeView = {
        caller: caller.id,
        defaultInstance: defaultInstance === undefined ? null : { instanceId: defaultInstance, ...(defaultAlias ? { alias: defaultAlias } : {}) },
        aliases,
        scope: { instances: [...caller.scope.instances], topics: [...caller.scope.topics] },
      };
      return jsonResponse(200, body);
    },
  };
}
