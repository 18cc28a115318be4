import { ONS_ACTIONS, type DeployedFunction, type OnsAction } from '../ons/actions';
import { ROCKETMQ5_ACTIONS, ROCKETMQ5_RESOURCE_TEMPLATES, type BrokerMethod, type RocketMq5ResourceKind } from '../rocketmq5/actions';

/**
 * One cloud API call the code makes, with the RAM action it needs, the resource it touches (a
 * template with `${…}` placeholders, see {@link RESOURCE_PLACEHOLDERS}) and the functions whose code
 * makes it. The RAM policies in `ram/` are generated from {@link API_CALLS} (`npm run ram:policy`);
 * a test checks both against what the source actually calls.
 */
export interface ApiCall {
  /** The API's own name for the call, e.g. `OnsMessageTrace`, `GetTrace`, `InvokeFunction`, `GetObject`. */
  call: string;
  ramAction: string;
  resources: readonly string[];
  usedBy: readonly DeployedFunction[];
  /**
   * For broker calls: the Broker port methods whose adapter code makes it. A function needs the
   * call when its code calls one of them (the adapters are loaded for every lookup, so which file
   * is reachable says nothing; which method is called does).
   */
  via?: readonly BrokerMethod[];
}

/**
 * UNVERIFIED (fc.md §5.2): resource-level authorisation of the ONS 4.x actions. The API reference
 * lists OnsMessageTrace's resource as "All Resources"; the instance forms below are the ones the
 * RocketMQ 4.x RAM page documents for topic-level actions. If RAM refuses them for these actions,
 * change this one template to `acs:mq:*:*:*`.
 */
export const UNVERIFIED_ONS_RESOURCES = ['acs:mq:*:${ACCOUNT_ID}:${MQ_INSTANCE_ID}', 'acs:mq:*:${ACCOUNT_ID}:${MQ_INSTANCE_ID}%*'] as const;

/** UNVERIFIED (fc.md §5.2): the FC 3.0 ARN of a function for `fc:InvokeFunction`. */
export const UNVERIFIED_FC_FUNCTION_RESOURCE = 'acs:fc:${REGION}:${ACCOUNT_ID}:functions/${HTTP_FUNCTION_NAME}';

/**
 * The 5.x (`rocketmq` 2022-08-01) RAM resources, from the documented templates of
 * `shared/rocketmq5/actions.ts` (`acs:rocketmq:{region}:{accountId}:instance/{instanceId}/topic/{topic}`
 * and `…/consumergroup/{groupId}`), every topic and group of each listed instance. Which actions'
 * forms are UNVERIFIED is said there (`UNVERIFIED_RESOURCE_FORMS`).
 */
export const ROCKETMQ5_RESOURCES: Readonly<Record<RocketMq5ResourceKind, readonly string[]>> = {
  topic: [rocketMq5Resource(ROCKETMQ5_RESOURCE_TEMPLATES.topic)],
  consumerGroup: [rocketMq5Resource(ROCKETMQ5_RESOURCE_TEMPLATES.consumerGroup)],
};

function rocketMq5Resource(template: string): string {
  return template
    .replace('{region}', '${REGION}')
    .replace('{accountId}', '${ACCOUNT_ID}')
    .replace('{instanceId}', '${ROCKETMQ5_INSTANCE_ID}')
    .replace(/\{(topic|groupId)\}/, '*');
}

/** The Broker port method each ONS action serves (`shared/ons/ons-broker.ts` and its ports). */
export const ONS_BROKER_METHODS: Readonly<Record<OnsAction, readonly BrokerMethod[]>> = {
  OnsMessageTrace: ['consumption'],
  OnsMessagePageQueryByTopic: ['pageByTopic'],
  // The journey reads the store time and the dead-lettering with the explain calls.
  OnsMessageGetByMsgId: ['messageDetail', 'journey'],
  OnsConsumerAccumulate: ['consumerAccumulate'],
  OnsConsumerGetConnection: ['consumerConnections'],
  OnsDLQMessageGetById: ['dlqMessage', 'journey'],
  OnsConsumerStatus: ['consumerStatus'],
  OnsMessageGetByKey: ['findByKey'],
  OnsTraceQueryByMsgId: ['journey'],
  OnsTraceGetResult: ['journey'],
};

/**
 * Broker methods a function's code can reach but never calls, so its role is not granted their
 * actions. The scan cannot see this: the spot-check function reaches the explain service through
 * the lookup service, but runs its lookups without `explain` (`shared/spot-check/spot-check-runner.ts`,
 * LookupOptions.explain defaults to false). Remove an entry the day that function starts calling it.
 */
export const UNCALLED_BROKER_METHODS: Readonly<Record<DeployedFunction, readonly BrokerMethod[]>> = {
  http: [],
  'spot-check': ['messageDetail', 'consumerAccumulate', 'consumerConnections', 'consumerStatus', 'dlqMessage'],
};

/** OSS object ARN: `acs:oss:*:*:{bucket}/{object}`. */
const STATE_OBJECT_RESOURCE = 'acs:oss:*:*:${STATE_BUCKET}/${STATE_OBJECT}';

/** Every placeholder a resource template may hold, the env var that fills it, and what it means. */
export const RESOURCE_PLACEHOLDERS = {
  ACCOUNT_ID: { env: 'MQTRACE_ACCOUNT_ID', about: 'the Alibaba Cloud account ID that owns the instances and the functions' },
  REGION: { env: 'MQTRACE_DEPLOY_REGION', about: 'the region of the functions, e.g. cn-hangzhou' },
  MQ_INSTANCE_ID: { env: 'MQTRACE_RAM_INSTANCE_IDS', about: 'comma-separated 4.x MQ_INST_… IDs; each gets its own pair of resources', list: true },
  ROCKETMQ5_INSTANCE_ID: { env: 'MQTRACE_RAM_ROCKETMQ5_INSTANCE_IDS', about: 'comma-separated 5.x rmq-… IDs; each gets its own topic and group resources', list: true },
  HTTP_FUNCTION_NAME: { env: 'MQTRACE_HTTP_FUNCTION_NAME', about: 'the HTTP function, which invokes itself for deferred chat replies (default mqtrace-http)' },
  STATE_BUCKET: { env: 'MQTRACE_STATE_OSS_BUCKET', about: 'the OSS bucket of the spot-check state object' },
  STATE_OBJECT: { env: 'MQTRACE_STATE_OSS_OBJECT', about: 'the spot-check state object (default mqtrace/spot-check-state.json)' },
} as const;

export type ResourcePlaceholder = keyof typeof RESOURCE_PLACEHOLDERS;

/** The placeholders that hold comma-separated instance lists; a resource is repeated per instance. */
const LIST_PLACEHOLDERS = (Object.keys(RESOURCE_PLACEHOLDERS) as ResourcePlaceholder[]).filter((name) => {
  const spec = RESOURCE_PLACEHOLDERS[name];
  return 'list' in spec && spec.list === true;
});

/**
 * Every cloud API call in the code: the 4.x actions of `shared/ons/actions.ts`, the 5.x actions of
 * `shared/rocketmq5/actions.ts`, fc2's self-invocation and the OSS state.
 */
export const API_CALLS: readonly ApiCall[] = [
  ...(Object.entries(ONS_ACTIONS) as Array<[OnsAction, (typeof ONS_ACTIONS)[OnsAction]]>).map(([call, spec]) => ({
    call,
    ramAction: spec.ramAction,
    resources: UNVERIFIED_ONS_RESOURCES,
    usedBy: spec.usedBy,
    via: ONS_BROKER_METHODS[call],
  })),
  ...Object.entries(ROCKETMQ5_ACTIONS).map(([call, spec]) => ({
    call,
    ramAction: spec.ramAction,
    resources: ROCKETMQ5_RESOURCES[spec.resource],
    usedBy: spec.usedBy,
    via: spec.brokerMethods,
  })),
  // shared/invoke/fc3-invoker.ts (default) or fc2-invoker.ts: a slow chat lookup finishes in an async invocation of the HTTP function itself.
  { call: 'InvokeFunction', ramAction: 'fc:InvokeFunction', resources: [UNVERIFIED_FC_FUNCTION_RESOURCE], usedBy: ['http'] },
  // shared/spot-check/state-oss.ts: the alert de-duplication state, one object.
  { call: 'GetObject', ramAction: 'oss:GetObject', resources: [STATE_OBJECT_RESOURCE], usedBy: ['spot-check'] },
  { call: 'PutObject', ramAction: 'oss:PutObject', resources: [STATE_OBJECT_RESOURCE], usedBy: ['spot-check'] },
];

/** A RAM policy document (version 1). */
export interface RamPolicyDocument {
  Version: '1';
  Statement: Array<{ Effect: 'Allow'; Action: string[]; Resource: string[] }>;
}

/** The role trust policy: FC may assume the role (fc.md §5.1). */
export const TRUST_POLICY = {
  Version: '1',
  Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['fc.aliyuncs.com'] } }],
} as const;

/**
 * The least-privilege policy of one function's role: exactly the RAM actions its calls need, one
 * statement per distinct resource set, actions and statements sorted so the output is stable.
 */
export function buildRolePolicy(fn: DeployedFunction, calls: readonly ApiCall[] = API_CALLS): RamPolicyDocument {
  const byResources = new Map<string, { resources: string[]; actions: Set<string> }>();
  for (const c of calls.filter((c) => c.usedBy.includes(fn))) {
    const key = JSON.stringify(c.resources);
    const group = byResources.get(key) ?? { resources: [...c.resources], actions: new Set<string>() };
    group.actions.add(c.ramAction);
    byResources.set(key, group);
  }
  const Statement = [...byResources.values()]
    .map((g) => ({ Effect: 'Allow' as const, Action: [...g.actions].sort(), Resource: g.resources }))
    .sort((a, b) => (a.Action[0] ?? '').localeCompare(b.Action[0] ?? ''));
  return { Version: '1', Statement };
}

/**
 * Fills the placeholders of a policy from `values`. The instance placeholders (`MQ_INSTANCE_ID`,
 * `ROCKETMQ5_INSTANCE_ID`) take comma-separated lists: a resource that holds one is repeated per
 * instance, and dropped, with a statement left without resources, when its list is empty (a
 * deployment with only 4.x or only 5.x instances). Throws naming the first missing value, or both
 * instance variables when neither lists an instance.
 */
export function fillPolicy(policy: RamPolicyDocument, values: Partial<Record<ResourcePlaceholder, string>>): RamPolicyDocument {
  const lists = new Map(LIST_PLACEHOLDERS.map((name) => [name, (values[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean)]));
  const usesList = (name: ResourcePlaceholder) => policy.Statement.some((s) => s.Resource.some((r) => r.includes(`\${${name}}`)));
  const used = LIST_PLACEHOLDERS.filter(usesList);
  if (used.length > 0 && used.every((name) => (lists.get(name) ?? []).length === 0)) {
    throw new Error(`${used.map((name) => RESOURCE_PLACEHOLDERS[name].env).join(' or ')} is not set (${used.map((name) => RESOURCE_PLACEHOLDERS[name].about).join('; ')})`);
  }
  const fill = (template: string): string[] => {
    const list = LIST_PLACEHOLDERS.find((name) => template.includes(`\${${name}}`));
    const instances = list ? (lists.get(list) ?? []) : [''];
    return instances.map((instance) =>
      template.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
        if (name === list) return instance;
        const value = values[name as ResourcePlaceholder];
        const spec = Object.hasOwn(RESOURCE_PLACEHOLDERS, name) ? RESOURCE_PLACEHOLDERS[name as ResourcePlaceholder] : undefined;
        if (!value) throw new Error(`${spec?.env ?? name} is not set (${spec?.about ?? 'unknown placeholder'})`);
        return value;
      }),
    );
  };
  const Statement = policy.Statement.map((s) => ({ ...s, Resource: s.Resource.flatMap(fill) })).filter((s) => s.Resource.length > 0);
  return { Version: '1', Statement };
}
