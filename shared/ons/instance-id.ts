import type { InstanceIdRule } from '../brokers/instance-rules';

/** ApsaraMQ for RocketMQ 4.x instance IDs, e.g. `MQ_INST_1234567890123456_BXhFHryi`, served by the ONS OpenAPI. */
export const ONS_INSTANCE_RULE: InstanceIdRule = {
  kind: 'ons-4x',
  label: '4.x',
  pattern: /^MQ_INST_[0-9]{6,24}_[A-Za-z0-9]{4,32}$/,
  example: 'MQ_INST_1234567890123456_BXhFHryi',
};
