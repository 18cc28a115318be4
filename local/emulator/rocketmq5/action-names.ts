/**
 * Names of the ApsaraMQ for RocketMQ 5.x (`rocketmq` 2022-08-01) operations the emulator serves.
 * Kept free of imports so the seed schema can use them without a cycle.
 */

/** The API version every 5.x request must carry in `x-acs-version`. */
export const ROCKETMQ5_API_VERSION = '2022-08-01';

/** The operations, by their `x-acs-action` names. */
export const ROCKETMQ5_ACTION_NAMES = [
  'GetTrace',
  'ListTraces',
  'GetMessageDetail',
  'ListMessages',
  'GetConsumerGroupLag',
  'ListConsumerConnections',
  'GetConsumerGroupSubscription',
  'ListTopicSubscriptions',
  'GetConsumeTimespan',
] as const;

/** One 5.x operation name. */
export type RocketMq5ActionName = (typeof ROCKETMQ5_ACTION_NAMES)[number];

const NAMES: ReadonlySet<string> = new Set(ROCKETMQ5_ACTION_NAMES);

/**
 * Narrows a string to a 5.x operation name (exact, case-sensitive).
 *
 * @param name - A client- or admin-supplied name.
 * @returns The name, or `undefined` when it is not a served operation.
 */
export function findRocketMq5ActionName(name: string): RocketMq5ActionName | undefined {
  return NAMES.has(name) ? (name as RocketMq5ActionName) : undefined;
}
