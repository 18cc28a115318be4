import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * Reads s.yaml the way the local runner needs it: renders `${env('X', 'default')}` and
 * `${vars.x}`, the only templating mqtrace's s.yaml uses, and refuses anything else loudly.
 */
export const FunctionPropsSchema = z.object({
  region: z.string(),
  functionName: z.string().min(1),
  runtime: z.literal('nodejs20'),
  code: z.string().min(1),
  handler: z.string().regex(/^[\w.-]+\.[A-Za-z_$][\w$]*$/, 'must be file.export'),
  memorySize: z.number().int().multipleOf(64).min(128).max(32768).default(512),
  timeout: z.number().int().min(1).max(86400).default(3),
  environmentVariables: z.record(z.string(), z.string()).default({}),
  asyncInvokeConfig: z.object({ maxAsyncRetryAttempts: z.number().int().min(0).max(8).optional() }).loose().optional(),
  triggers: z
    .array(
      z.object({
        triggerName: z.string(),
        triggerType: z.string(),
        triggerConfig: z.record(z.string(), z.unknown()),
      }),
    )
    .default([]),
});

export type FunctionProps = z.infer<typeof FunctionPropsSchema>;

export interface FunctionSpec extends FunctionProps {
  resourceName: string;
  /** Absolute path of the code folder. */
  codeDir: string;
}

const TEMPLATE = /\$\{([^}]*)\}/g;
const ENV_CALL = /^env\(\s*'([A-Za-z_][A-Za-z0-9_]*)'\s*(?:,\s*'([^']*)'\s*)?\)$/;
const VARS_REF = /^vars\.([A-Za-z_][\w-]*)$/;

/** Renders one string: every `${…}` must be an env() call or a vars reference. */
export function renderTemplate(text: string, env: Record<string, string | undefined>, vars: Record<string, string>): string {
  return text.replace(TEMPLATE, (_all, expression: string) => {
    const expr = expression.trim();
    const envCall = ENV_CALL.exec(expr);
    if (envCall) {
      const [, name, fallback] = envCall as unknown as [string, string, string | undefined];
      const value = env[name];
      if (value !== undefined) return value;
      if (fallback !== undefined) return fallback;
      throw new Error(`s.yaml: env('${name}') is not set and has no default`);
    }
    const varsRef = VARS_REF.exec(expr);
    if (varsRef) {
      const value = vars[varsRef[1] as string];
      if (value === undefined) throw new Error(`s.yaml: vars.${varsRef[1]} is not defined`);
      return value;
    }
    throw new Error(`s.yaml: the local runner cannot render \${${expr}}`);
  });
}

function renderDeep(value: unknown, env: Record<string, string | undefined>, vars: Record<string, string>): unknown {
  if (typeof value === 'string') return renderTemplate(value, env, vars);
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, env, vars));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, env, vars)]));
  }
  return value;
}

/** Loads every fc3 resource of an s.yaml file, rendered against `env`. */
export function loadFunctionSpecs(sYamlPath: string, env: Record<string, string | undefined>): FunctionSpec[] {
  const doc = parse(readFileSync(sYamlPath, 'utf8')) as {
    vars?: Record<string, string>;
    resources?: Record<string, { component?: string; props?: unknown }>;
  };
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc.vars ?? {})) vars[k] = renderTemplate(String(v), env, vars);
  const baseDir = sYamlPath.replace(/[^/]+$/, '');
  return Object.entries(doc.resources ?? {})
    .filter(([, r]) => r.component === 'fc3')
    .map(([resourceName, r]) => {
      const props = FunctionPropsSchema.parse(renderDeep(r.props, env, vars));
      return { ...props, resourceName, codeDir: new URL(props.code, `file://${baseDir}`).pathname };
    });
}
