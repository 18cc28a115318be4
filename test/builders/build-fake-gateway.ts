import type { OnsGateway } from '../../shared/ons/ons-gateway';
import type { CallContext, Credentials, MessageTraceResult } from '../../shared/ons/ons-port';

export type TraceQueryArg = { instanceId: string; topic: string; msgId: string };

export interface FakeGateway {
  gateway: OnsGateway;
  credentialsSeen: Credentials[];
  queries: TraceQueryArg[];
}

/**
 * A gateway whose port answers with `respond` and, like the real one, records one upstream
 * attempt per call in the trail.
 */
export function buildFakeGateway(respond: (query: TraceQueryArg) => MessageTraceResult | Promise<MessageTraceResult>): FakeGateway {
  const credentialsSeen: Credentials[] = [];
  const queries: TraceQueryArg[] = [];
  const gateway: OnsGateway = {
    forCredentials(credentials) {
      credentialsSeen.push(credentials);
      return {
        async messageTrace(query, ctx: CallContext) {
          queries.push({ ...query });
          try {
            const result = await respond(query);
            ctx.trail?.push({ action: 'OnsMessageTrace', attempt: 1, outcome: 'OK', requestId: result.requestId, latencyMs: 5 });
            return result;
          } catch (error) {
            ctx.trail?.push({ action: 'OnsMessageTrace', attempt: 1, outcome: 'FAILED', latencyMs: 5 });
            throw error;
          }
        },
      };
    },
    callerFor() {
      // The trace API only uses forCredentials; a raw call here means a test needs a richer fake.
      return { call: () => Promise.reject(new Error('fake gateway: callerFor is not scripted')) };
    },
  };
  return { gateway, credentialsSeen, queries };
}
