import type { InstanceIdRule } from '../brokers/instance-rules';

/**
 * ApsaraMQ for RocketMQ 5.x instance IDs, e.g. `rmq-cn-7mz2ahxse0a`, served by the `rocketmq`
 * 2022-08-01 OpenAPI. The console writes them lower-case: `rmq-`, a region prefix, `-`, an id.
 */
export const ROCKETMQ5_INSTANCE_RULE: InstanceIdRule = {
  kind: 'rocketmq-5x',
  label: '5.x',
  pattern: /^rmq-[a-z]{2,8}-[a-z0-9]{6,32}$/,
  example: 'rmq-cn-7mz2ahxse0a',
};
