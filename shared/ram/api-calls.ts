import { ONS_ACTIONS, type DeployedFunction } from '../ons/actions';

/**
 * One cloud API call the code makes, with the RAM action it needs, the resource it touches (a
 * template with `${…}` placeholders, see {@link RESOURCE_PLACEHOLDERS}) and the functions whose code
 * makes it. The RAM policies in `ram/` are generated from {@link API_CALLS} (`npm run ram:policy`);
 * a test checks both against what the source actually calls.
 */
export interface ApiCall {
  /** The API's own name for the call, e.g. `OnsMessageTrace`, `InvokeFunction`, `GetObject`. */
  call: string;
  ramAction: string;
  resources: readonly string[];
  usedBy: readonly DeployedFunction[];
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

/** OSS object ARN: `acs:oss:*:*:{bucket}/{object}`. */
const STATE_OBJECT_RESOURCE = 'acs:oss:*:*:${STATE_BUCKET}/${STATE_OBJECT}';

/** Every placeholder a resource template may hold, the env var that fills it, and what it means. */
export const RESOURCE_PLACEHOLDERS = {
  ACCOUNT_ID: { env: 'MQTRACE_ACCOUNT_ID', about: 'the Alibaba Cloud account ID that owns the instances and the functions' },
  REGION: { env: 'MQTRACE_DEPLOY_REGION', about: 'the region of the functions, e.g. cn-hangzhou' },
  MQ_INSTANCE_ID: { env: 'MQTRACE_RAM_INSTANCE_IDS', about: 'comma-separated MQ_INST_… IDs; each gets its own pair of resources' },
  HTTP_FUNCTION_NAME: { env: 'MQTRACE_HTTP_FUNCTION_NAME', about: 'the HTTP function, which invokes itself for deferred chat replies (default mqtrace-http)' },
  STATE_BUCKET: { env: 'MQTRACE_STATE_OSS_BUCKET', about: 'the OSS bucket of the spot-check state object' },
  STATE_OBJECT: { env: 'MQTRACE_STATE_OSS_OBJECT', about: 'the spot-check state object (default mqtrace/spot-check-state.json)' },
} as const;

export type ResourcePlaceholder = keyof typeof RESOURCE_PLACEHOLDERS;

/** Every cloud API call in the code: the ONS actions of `shared/ons/actions.ts`, fc2's self-invocation and the OSS state. */
export const API_CALLS: readonly ApiCall[] = [
  ...Object.entries(ONS_ACTIONS).map(([call, spec]) => ({ call, ramAction: spec.ramAction, resources: UNVERIFIED_ONS_RESOURCES, usedBy: spec.usedBy })),
  // shared/invoke/fc2-invoker.ts: a slow chat lookup finishes in an async invocation of the HTTP function itself.
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
 * Fills the placeholders of a policy from `values`. `MQ_INSTANCE_ID` may be a comma-separated
 * list: a resource that holds it is repeated per instance. Throws naming the first missing value.
 */
export function fillPolicy(policy: RamPolicyDocument, values: Partial<Record<ResourcePlaceholder, string>>): RamPolicyDocument {
  const fill = (template: string): string[] => {
    const instances = template.includes('${MQ_INSTANCE_ID}')
      ? (values.MQ_INSTANCE_ID ?? '').split(',').map((s) => s.trim()).filter(Boolean)
      : [''];
    if (instances.length === 0) throw new Error(`${RESOURCE_PLACEHOLDERS.MQ_INSTANCE_ID.env} is not set (${RESOURCE_PLACEHOLDERS.MQ_INSTANCE_ID.about})`);
    return instances.map((instance) =>
      template.replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => {
        if (name === 'MQ_INSTANCE_ID') return instance;
        const value = values[name as ResourcePlaceholder];
        const spec = RESOURCE_PLACEHOLDERS[name as ResourcePlaceholder];
        if (!value) throw new Error(`${spec?.env ?? name} is not set (${spec?.about ?? 'unknown placeholder'})`);
        return value;
      }),
    );
  };
  return { Version: '1', Statement: policy.Statement.map((s) => ({ ...s, Resource: s.Resource.flatMap(fill) })) };
}
