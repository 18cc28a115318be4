import { ONS_INSTANCE_RULE } from '../ons/instance-id';
import { ROCKETMQ5_INSTANCE_RULE } from '../rocketmq5/instance-id';
import type { BrokerKind } from '../trace/broker-port';

/** How one broker API family's instance IDs look. Pure data: no adapter code is loaded for it. */
export interface InstanceIdRule {
  kind: BrokerKind;
  /** The product line, as users say it: `4.x`, `5.x`. */
  label: string;
  pattern: RegExp;
  example: string;
}

/** Every registered broker's instance ID rule, in the order help texts list them. */
export const INSTANCE_RULES: readonly InstanceIdRule[] = [ONS_INSTANCE_RULE, ROCKETMQ5_INSTANCE_RULE];

/** The broker kind an instance ID belongs to; undefined when no rule matches. */
export function brokerKindOf(instanceId: string): BrokerKind | undefined {
  return INSTANCE_RULES.find((rule) => rule.pattern.test(instanceId))?.kind;
}

/**
 * The instance ID shapes, for messages: `long` reads "a 4.x instance ID like MQ_INST_… or a 5.x
 * instance ID like rmq-…"; `short` reads "4.x like MQ_INST_…, 5.x like rmq-…".
 */
export function describeInstanceIds(form: 'long' | 'short' = 'long'): string {
  if (form === 'short') return INSTANCE_RULES.map((rule) => `${rule.label} like ${rule.example}`).join(', ');
  return INSTANCE_RULES.map((rule) => `a ${rule.label} instance ID like ${rule.example}`).join(' or ');
}
