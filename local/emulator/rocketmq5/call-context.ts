import { RocketMq5Error, rocketMq5Error } from './errors';
import type { ScrollStore } from './scroll-store';
import { parseApiTime } from './time-format';
import type { RocketMq5World, WorldGroup, WorldInstance, WorldTopic } from './world';

/** What a 5.x handler sees of one authenticated, authorized, validated request. */
export interface RocketMq5Call {
  /** Validated path and query parameters by their SDK names. */
  params: ReadonlyMap<string, string>;
  accountId: string;
  world: RocketMq5World;
  /** Now, epoch ms on the emulator clock. */
  nowMs: number;
  scrolls: ScrollStore;
}

/**
 * Reads a parameter the route table marked required (and therefore validated).
 *
 * @param call - The call.
 * @param name - The parameter name.
 * @returns The value.
 */
export function requiredParam(call: RocketMq5Call, name: string): string {
  const value = call.params.get(name);
  if (value === undefined) {
    throw new RocketMq5Error({ code: 'InternalError', status: 500, message: `Parameter ${name} was not validated.` });
  }
  return value;
}

/**
 * Resolves `instanceId` to an instance of the caller's account.
 *
 * @throws RocketMq5Error `Instance.NotFound`, or `NoPermission` for another account's instance.
 */
export function ownedInstance(call: RocketMq5Call): WorldInstance {
  const instanceId = requiredParam(call, 'instanceId');
  const instance = call.world.instances.get(instanceId);
  if (instance === undefined) {
    throw rocketMq5Error('Instance.NotFound');
  }
  if (instance.accountId !== call.accountId) {
    throw rocketMq5Error('NoPermission', { name: instanceId });
  }
  return instance;
}

/**
 * Resolves a topic on an instance.
 *
 * @throws RocketMq5Error `Topic.NotFound`.
 */
export function topicOf(instance: WorldInstance, topicName: string): WorldTopic {
  const topic = instance.topics.get(topicName);
  if (topic === undefined) {
    throw rocketMq5Error('Topic.NotFound');
  }
  return topic;
}

/**
 * Resolves a consumer group on an instance.
 *
 * @throws RocketMq5Error `ConsumerGroup.NotFound`.
 */
export function groupOf(instance: WorldInstance, consumerGroupId: string): WorldGroup {
  const group = instance.groups.get(consumerGroupId);
  if (group === undefined) {
    throw rocketMq5Error('ConsumerGroup.NotFound');
  }
  return group;
}

/** A closed `[startMs, endMs]` window; either end may be open. */
export interface TimeWindow {
  startMs: number;
  endMs: number;
}

/**
 * Reads `startTime`/`endTime` in the instance's zone. The end is inclusive to the last
 * millisecond of its second.
 *
 * @throws RocketMq5Error `InvalidEndTime` when the end is before the start.
 */
export function timeWindow(call: RocketMq5Call, instance: WorldInstance): TimeWindow {
  const start = call.params.get('startTime');
  const end = call.params.get('endTime');
  const startMs = start === undefined ? Number.NEGATIVE_INFINITY : (parseApiTime(start, instance.timeZoneOffsetMinutes) ?? Number.NaN);
  const endMs = end === undefined ? Number.POSITIVE_INFINITY : (parseApiTime(end, instance.timeZoneOffsetMinutes) ?? Number.NaN) + 999;
  if (endMs < startMs) {
    throw new RocketMq5Error({ code: 'InvalidEndTime', status: 400, message: 'Parameter endTime is invalid.', dynamicCode: 'EndTime', dynamicMessage: 'endTime' });
  }
  return { startMs, endMs };
}

/**
 * Reads a validated positive integer parameter.
 *
 * @param call - The call.
 * @param name - The parameter name.
 * @param fallback - Used when the parameter is absent.
 * @returns The number.
 */
export function intParam(call: RocketMq5Call, name: string, fallback: number): number {
  const value = call.params.get(name);
  return value === undefined ? fallback : Number(value);
}
