/**
 * The benchmark's reference FC handler: only the bare prescribed dependencies (pop-core, middy,
 * zod), bundled the same way as the real functions. It parses the same v1 event, validates the
 * three fields and makes the same OnsMessageTrace call, with none of mqtrace's own machinery.
 */
import RPCClient from '@alicloud/pop-core';
import middy from '@middy/core';
import { z } from 'zod';

const QuerySchema = z.object({ instanceId: z.string(), topic: z.string(), msgId: z.string() });
let client: RPCClient | undefined;

export const handler = middy({ timeoutEarlyInMillis: 0 }).handler(async (event: unknown, context: { credentials: { accessKeyId: string; accessKeySecret: string; securityToken?: string } }) => {
  const envelope = JSON.parse(Buffer.from(event as Buffer).toString('utf8')) as { queryParameters?: Record<string, string> };
  const query = QuerySchema.parse(envelope.queryParameters ?? {});
  client ??= new RPCClient({
    endpoint: process.env.ONS_ENDPOINT as string,
    apiVersion: '2019-02-14',
    accessKeyId: context.credentials.accessKeyId,
    accessKeySecret: context.credentials.accessKeySecret,
    ...(context.credentials.securityToken ? { securityToken: context.credentials.securityToken } : {}),
  });
  const body = await client.request('OnsMessageTrace', { InstanceId: query.instanceId, Topic: query.topic, MsgId: query.msgId }, { method: 'POST', timeout: 3000 });
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, isBase64Encoded: false, body: JSON.stringify(body) };
});
