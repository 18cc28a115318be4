/**
 * `npm run check:deploy`: validates s.yaml offline. Renders it with `s preview -o json` (no network,
 * no credentials), then checks every fc3 resource's props with zod and checks that each handler
 * exists as a function in its built bundle.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Fc3PropsSchema, RenderedProjectSchema } from './fc3-props-schema';

const run = promisify(execFile);

export interface DeployProblem {
  resource: string;
  path: string;
  message: string;
}

/** Renders an s.yaml with the Serverless Devs CLI; the CLI prints a root warning before the JSON. */
export async function renderSYaml(sYamlPath: string, env: Record<string, string | undefined> = process.env): Promise<unknown> {
  const cli = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 's');
  const { stdout } = await run(cli, ['preview', '-o', 'json', '-t', sYamlPath], {
    cwd: dirname(sYamlPath),
    // A private HOME keeps the check from reading or writing the deployer's ~/.s.
    env: { ...env, HOME: mkdtempSync(join(tmpdir(), 'mqtrace-s-')) },
    timeout: 60_000,
    maxBuffer: 10 * 1024 * 1024,
  });
  const start = stdout.indexOf('{');
  if (start < 0) throw new Error(`s preview printed no JSON: ${stdout.slice(0, 200)}`);
  return JSON.parse(stdout.slice(start)) as unknown;
}

/** Every problem in a rendered project; empty means it may be deployed. */
export async function checkRendered(rendered: unknown, baseDir: string): Promise<DeployProblem[]> {
  const project = RenderedProjectSchema.safeParse(rendered);
  if (!project.success) {
    return project.error.issues.map((i) => ({ resource: '(project)', path: i.path.join('.'), message: i.message }));
  }
  const problems: DeployProblem[] = [];
  for (const [resource, { props }] of Object.entries(project.data.resources)) {
    const parsed = Fc3PropsSchema.safeParse(props);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => ({ resource, path: i.path.join('.'), message: describeIssue(i) })));
      continue;
    }
    const { code, handler } = parsed.data;
    const file = handler.slice(0, handler.lastIndexOf('.'));
    const exportName = handler.slice(handler.lastIndexOf('.') + 1);
    const bundle = resolve(baseDir, code, `${file}.js`);
    if (!existsSync(bundle)) {
      problems.push({ resource, path: 'handler', message: `${code}/${file}.js does not exist (run npm run build)` });
      continue;
    }
    if (!(await exportsFunction(bundle, exportName))) {
      problems.push({ resource, path: 'handler', message: `${code}/${file}.js does not export a function named ${exportName}` });
    }
  }
  return problems;
}

// A bad record key nests its reason one level down.
function describeIssue(issue: { message: string; issues?: ReadonlyArray<{ message: string }> }): string {
  return issue.issues?.[0]?.message ?? issue.message;
}

// Loads the bundle in a clean child process, as the runtime would, so its module scope runs.
async function exportsFunction(bundle: string, exportName: string): Promise<boolean> {
  const probe = `const m = require(${JSON.stringify(bundle)}); process.stdout.write(typeof m[${JSON.stringify(exportName)}]);`;
  try {
    const { stdout } = await run(process.execPath, ['-e', probe], { env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 });
    return stdout.trim() === 'function';
  } catch {
    return false;
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const sYaml = resolve(process.argv[2] ?? join(import.meta.dirname, '..', '..', 's.yaml'));
  const problems = await checkRendered(await renderSYaml(sYaml), dirname(sYaml));
  if (problems.length === 0) {
    console.log(`check:deploy: ${sYaml} is valid`);
  } else {
    for (const p of problems) console.error(`check:deploy: ${p.resource}: ${p.path || '(props)'}: ${p.message}`);
    process.exit(1);
  }
}
