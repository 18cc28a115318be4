import { apiError } from './api-errors';
import { requiredParam, type ActionContext } from './action-types';
import type { IndexedInstance, SeedMessage } from './seed-index';

/**
 * Resolves `InstanceId` to an instance the caller's account owns.
 *
 * @throws EmulatorApiError `INSTANCE_NOT_FOUND` or `AUTH_RESOURCE_OWNER_ERROR`.
 */
export function ownedInstance(context: ActionContext): IndexedInstance {
  const instanceId = requiredParam(context.params, 'InstanceId');
  const instance = context.index.instances.get(instanceId);
  if (instance === undefined) {
    throw apiError('INSTANCE_NOT_FOUND', { name: instanceId });
  }
  if (instance.accountId !== context.accountId) {
    throw apiError('AUTH_RESOURCE_OWNER_ERROR', { name: instanceId });
  }
  return instance;
}

/**
 * Resolves `InstanceId` and `Topic` to the messages of a topic on an owned instance.
 *
 * @throws EmulatorApiError as {@link ownedInstance}, or `BIZ_TOPIC_NOT_FOUND`.
 */
export function ownedTopic(context: ActionContext): ReadonlyMap<string, SeedMessage> {
  const instance = ownedInstance(context);
  const topic = requiredParam(context.params, 'Topic');
  const messages = instance.topics.get(topic);
  if (messages === undefined) {
    throw apiError('BIZ_TOPIC_NOT_FOUND', { name: topic });
  }
  return messages;
}
