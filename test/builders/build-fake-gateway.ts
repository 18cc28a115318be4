import type { Credentials } from '../../shared/credentials';
import { createBrokerDirectory } from '../../shared/brokers/registry';
import type { MessageTraceResult } from '../../shared/ons/message-trace';
import { createOnsBrokers } from '../../shared/ons/ons-broker';
import type { OnsCaller, OnsGateway } from '../../shared/ons/ons-gateway';
import type { BrokerDirectory } from '../../shared/trace/broker-port';

export type TraceQueryArg = { instanceId: string; topic: string; msgId: string };

export interface FakeGateway {
  /** The broker directory over the real 4.x adapter and the fake gateway. */
  brokers: BrokerDirectory;
  gateway: OnsGateway;
  credentialsSeen: Credentials[];
  queries: TraceQueryArg[];
}

/**
 * A gateway whose OnsMessageTrace answers with `respond` and, like the real one, records one
 * upstream attempt per call in the trail. The real 4.x broker adapter maps its answers, so the
 * domain sees exactly what it would see over pop-core. Other actions go to `otherActions`.
 */
export function buildFakeGateway(
  respond: (query: TraceQueryArg) => MessageTraceResult | Promise<MessageTraceResult>,
  options: { otherActions?: OnsCaller } = {},
): FakeGateway {
  const credentialsSeen: Credentials[] = [];
  const queries: TraceQueryArg[] = [];
  const gateway: OnsGateway = {
    callerFor(credentials) {
      credentialsSeen.push(credentials);
      const caller: OnsCaller = {
        async call(action, params, schema, ctx) {
          if (action !== 'OnsMessageTrace') {
            if (options.otherActions) return options.otherActions.call(action, params, schema, ctx);
            throw new Error(`fake gateway: ${action} is not scripted`);
          }
          const query = { instanceId: String(params.InstanceId), topic: String(params.Topic), msgId: String(params.MsgId) };
          queries.push(query);
          try {
            const result = await respond(query);
            ctx.trail?.push({ action, attempt: 1, outcome: 'OK', requestId: result.requestId, latencyMs: 5 });
            const body = {
              RequestId: result.requestId,
              Data: {
                MessageTrack: result.tracks.map((t) => ({
                  ConsumerGroup: t.consumerGroup,
                  TrackType: t.trackType,
                  ...(t.instanceId ? { InstanceId: t.instanceId } : {}),
                  ...(t.exceptionDesc ? { ExceptionDesc: t.exceptionDesc } : {}),
                })),
              },
            };
            return schema.parse(body);
          } catch (error) {
            ctx.trail?.push({ action, attempt: 1, outcome: 'FAILED', latencyMs: 5 });
            throw error;
          }
        },
      };
      return caller;
    },
  };
  const brokers = createBrokerDirectory([{ kind: 'ons-4x', load: () => createOnsBrokers(gateway) }]);
  return { brokers, gateway, credentialsSeen, queries };
}
