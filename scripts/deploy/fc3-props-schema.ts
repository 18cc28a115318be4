import { z } from 'zod';

/**
 * The fc3 component props mqtrace uses, with the constraints of the component's own schema.json
 * (fc.md §2.2). The component only logs schema errors at debug level and deploys anyway, so this
 * check is what actually stops a bad s.yaml.
 */
const EnvKey = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must start with a letter and hold only letters, digits and _')
  .refine((key) => !key.startsWith('FC_'), 'FC_* names are reserved by Function Compute');

const HttpTriggerSchema = z.object({
  triggerName: z.string().min(1),
  triggerType: z.literal('http'),
  qualifier: z.string().optional(),
  description: z.string().optional(),
  triggerConfig: z.object({
    authType: z.enum(['anonymous', 'function', 'jwt']),
    methods: z.array(z.enum(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'])).min(1),
    disableURLInternet: z.boolean().optional(),
    authConfig: z.unknown().optional(),
  }),
});

// 6-field cron (seconds first), optionally behind a CRON_TZ= prefix, or @every.
const CRON = /^(?:CRON_TZ=[A-Za-z_/+-]+ )?(?:@every \d+[smh]|(?:\S+ ){5}\S+)$/;

const TimerTriggerSchema = z.object({
  triggerName: z.string().min(1),
  triggerType: z.literal('timer'),
  qualifier: z.string().optional(),
  description: z.string().optional(),
  triggerConfig: z.object({
    cronExpression: z.string().regex(CRON, 'must be a 6-field cron expression or @every Nm'),
    enable: z.boolean(),
    payload: z
      .string()
      .refine((p) => {
        if (p === '') return true;
        try {
          JSON.parse(p);
          return true;
        } catch {
          return false;
        }
      }, 'must be empty or a JSON string (mqtrace parses it)')
      .optional(),
  }),
});

/**
 * The function's VPC, for a Redis (ApsaraDB for Redis / Tair) that is reachable only there. FC 3.0
 * takes one VPC, up to 5 vSwitches in it and one security group (fc3 `schema.json` `vpcConfig`).
 * The component also takes `auto`, which creates a new VPC: never the one the Redis lives in.
 */
const VpcConfigSchema = z
  .object({
    vpcId: z.string().regex(/^vpc-[a-z0-9]{8,32}$/, 'must be a VPC ID, vpc-…'),
    vSwitchIds: z.array(z.string().regex(/^vsw-[a-z0-9]{8,32}$/, 'must be a vSwitch ID, vsw-…')).min(1, 'must name at least one vSwitch').max(5, 'takes at most 5 vSwitches'),
    securityGroupId: z.string().regex(/^sg-[a-z0-9]{8,32}$/, 'must be a security group ID, sg-…'),
  })
  .strict();

export const Fc3PropsSchema = z.object({
  region: z.string().regex(/^[a-z0-9-]+$/),
  functionName: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'must be 1-64 letters, digits, _ or -'),
  description: z.string().max(256).optional(),
  runtime: z.literal('nodejs20', { error: 'must be nodejs20 (the bundles target Node.js 20)' }),
  code: z.string().min(1),
  handler: z.string().regex(/^[\w.-]+\.[A-Za-z_$][\w$]*$/, 'must be file.export'),
  memorySize: z.number({ error: 'must be a number' }).int().min(128).max(32768).multipleOf(64, 'must be a multiple of 64'),
  timeout: z.number({ error: 'must be a number' }).int().min(1).max(86400),
  instanceConcurrency: z.literal(1, { error: 'must be 1: built-in runtimes serve one request per instance' }).optional(),
  internetAccess: z.boolean().optional(),
  role: z.string().min(1, 'is required: the function signs ONS calls with its role'),
  logConfig: z.union([z.literal('auto'), z.object({ project: z.string(), logstore: z.string() }).loose()]),
  environmentVariables: z
    .record(EnvKey, z.string({ error: 'must be a string (fc3 rejects numbers and booleans)' }))
    .refine((env) => Buffer.byteLength(JSON.stringify(env)) <= 4096, 'must total at most 4 KB'),
  asyncInvokeConfig: z
    .object({
      asyncTask: z.boolean().optional(),
      maxAsyncRetryAttempts: z.number().int().min(0).max(8).optional(),
      maxAsyncEventAgeInSeconds: z.number().int().min(1).max(2_592_000).optional(),
    })
    .loose()
    .optional(),
  triggers: z.array(z.discriminatedUnion('triggerType', [HttpTriggerSchema, TimerTriggerSchema])).min(1),
  vpcConfig: VpcConfigSchema.optional(),
});

export type Fc3Props = z.infer<typeof Fc3PropsSchema>;

export const RenderedProjectSchema = z.object({
  edition: z.literal('3.0.0'),
  name: z.string().min(1),
  resources: z.record(
    z.string(),
    z.object({
      component: z.literal('fc3', { error: 'must be fc3' }),
      props: z.unknown(),
    }).loose(),
  ),
});
