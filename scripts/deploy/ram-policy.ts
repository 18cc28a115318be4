/**
 * `npm run ram:policy`: writes the RAM trust policy and one least-privilege policy per function
 * role into `ram/`, generated from the registry of API calls (`shared/ram/api-calls.ts`).
 *   (no flag)            regenerate ram/*.json (resources keep their ${…} placeholders)
 *   --check              exit 1 when ram/*.json differ from what the registry generates
 *   --render <function>  print that function's policy with the placeholders filled from env
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeployedFunction } from '../../shared/ons/actions';
import { buildRolePolicy, fillPolicy, RESOURCE_PLACEHOLDERS, TRUST_POLICY, type ResourcePlaceholder } from '../../shared/ram/api-calls';

export const RAM_DIR = join(import.meta.dirname, '..', '..', 'ram');
export const DEPLOYED_FUNCTIONS: readonly DeployedFunction[] = ['http', 'spot-check'];

/** Every generated file: name in `ram/` → its text. */
export function generatedRamFiles(): Record<string, string> {
  const files: Record<string, string> = { 'trust-policy.json': toJson(TRUST_POLICY) };
  for (const fn of DEPLOYED_FUNCTIONS) files[`mqtrace-${fn}-policy.json`] = toJson(buildRolePolicy(fn));
  return files;
}

/** The placeholder values from the deployer's environment (defaults as in s.yaml). */
export function placeholderValues(env: Record<string, string | undefined>): Partial<Record<ResourcePlaceholder, string>> {
  const defaults: Partial<Record<ResourcePlaceholder, string>> = {
    REGION: 'cn-hangzhou',
    HTTP_FUNCTION_NAME: 'mqtrace-http',
    STATE_OBJECT: 'mqtrace/spot-check-state.json',
  };
  return Object.fromEntries(
    (Object.keys(RESOURCE_PLACEHOLDERS) as ResourcePlaceholder[]).map((name) => [name, env[RESOURCE_PLACEHOLDERS[name].env] || defaults[name]]),
  );
}

function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function main(argv: string[]): number {
  const files = generatedRamFiles();
  if (argv[0] === '--check') {
    const stale = Object.entries(files).filter(([name, text]) => {
      try {
        return readFileSync(join(RAM_DIR, name), 'utf8') !== text;
      } catch {
        return true;
      }
    });
    for (const [name] of stale) console.error(`ram/${name} is out of date: run npm run ram:policy`);
    return stale.length === 0 ? 0 : 1;
  }
  if (argv[0] === '--render') {
    const fn = argv[1] as DeployedFunction;
    if (!DEPLOYED_FUNCTIONS.includes(fn)) {
      console.error(`usage: ram-policy --render <${DEPLOYED_FUNCTIONS.join('|')}>`);
      return 2;
    }
    try {
      process.stdout.write(toJson(fillPolicy(buildRolePolicy(fn), placeholderValues(process.env))));
      return 0;
    } catch (error) {
      console.error((error as Error).message);
      return 1;
    }
  }
  for (const [name, text] of Object.entries(files)) writeFileSync(join(RAM_DIR, name), text);
  console.log(`wrote ${Object.keys(files).map((n) => `ram/${n}`).join(', ')}`);
  return 0;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) process.exitCode = main(process.argv.slice(2));
