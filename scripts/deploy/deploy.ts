/**
 * `npm run deploy`, after `npm run build` and `npm run check:deploy`: runs `s deploy -y` (extra
 * arguments are passed on), but first checks that `s` will find credentials for the access alias
 * s.yaml names, and ends a failed deploy with one line saying what is missing (credentials,
 * network) instead of leaving the user with a raw `getaddrinfo ENOTFOUND`. Nothing here reads or
 * prints a credential's value; it only looks at which ones are present.
 *
 * Where `s` 3.x looks for the credentials of an access (read in @serverless-devs/s 3.1.10
 * `lib/index.js`, and fc.md §2.3): the env vars AccountID, AccessKeyID and AccessKeySecret, all
 * three, whatever the alias; the alias `${aliyun-cli}`: the aliyun CLI's ~/.aliyun/config.json
 * (or ALIBABACLOUD_CONFIG); otherwise the alias in ~/.s/access.yaml, which `s config add` writes.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';

type Env = Record<string, string | undefined>;

/** The env vars `s` reads as one access (its `KEY_PAIR_IMPORTANT`). */
export const S_ENV_ACCESS_KEYS = ['AccountID', 'AccessKeyID', 'AccessKeySecret'] as const;

const ALIYUN_CLI_ACCESS = '${aliyun-cli}';

export type AccessCheck = { ok: true; source: string } | { ok: false; lines: string[] };

/** The access alias a deploy uses: `-a X` / `--access X` on the command line, else s.yaml's `access`. */
export function accessAliasOf(sYamlText: string, args: readonly string[]): string {
  const flag = args.findIndex((a) => a === '-a' || a === '--access');
  const fromArgs = flag >= 0 ? args[flag + 1] : args.find((a) => a.startsWith('--access='))?.slice('--access='.length);
  if (fromArgs) return fromArgs;
  const access = (parse(sYamlText) as { access?: unknown } | null)?.access;
  return typeof access === 'string' && access.trim() !== '' ? access.trim() : 'default';
}

/** The folder `s` keeps its files in: ~/.s, or the workspace ~/.s/config/s.json names. */
function sHome(home: string): string {
  const root = join(home, '.s');
  try {
    const { workspace } = JSON.parse(readFileSync(join(root, 'config', 's.json'), 'utf8')) as { workspace?: unknown };
    if (typeof workspace === 'string' && workspace !== '') return resolve(workspace.replace(/^~(?=$|\/)/, home));
  } catch {
    // No s.json, or not JSON: s falls back to ~/.s as well.
  }
  return root;
}

/** Whether `s` will find credentials for `alias`; when not, what to do about it. */
export function findAccess(alias: string, env: Env, home: string): AccessCheck {
  const present = S_ENV_ACCESS_KEYS.filter((key) => env[key]?.trim());
  if (present.length === S_ENV_ACCESS_KEYS.length) return { ok: true, source: S_ENV_ACCESS_KEYS.join(', ') };
  if (Object.keys(env).some((key) => key.endsWith('_serverless_devs_key'))) return { ok: true, source: '*_serverless_devs_key' };
  if (alias === ALIYUN_CLI_ACCESS) {
    const file = env.ALIBABACLOUD_CONFIG || join(home, '.aliyun', 'config.json');
    if (existsSync(file)) return { ok: true, source: file };
    return { ok: false, lines: [`deploy: s.yaml uses the aliyun CLI's credentials (access: ${ALIYUN_CLI_ACCESS}), but there is no aliyun CLI configuration: run aliyun configure, or export ${S_ENV_ACCESS_KEYS.join(', ')}`] };
  }
  // Any other template: s renders it itself; let it decide.
  if (alias.includes('${')) return { ok: true, source: 'a templated access alias' };
  const dir = sHome(home);
  for (const name of ['access.yaml', 'access.yml']) {
    const file = join(dir, name);
    if (!existsSync(file)) continue;
    try {
      const aliases = parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
      if (aliases && Object.hasOwn(aliases, alias)) return { ok: true, source: file };
    } catch {
      // An unreadable access file holds no usable alias either.
    }
  }
  const lines = [
    `deploy: no Alibaba Cloud credentials for the access "${alias}" that s.yaml names: set them up once with npx s config add (choose Alibaba Cloud, alias ${alias}), or export ${S_ENV_ACCESS_KEYS.join(', ')} (all three)`,
  ];
  if (present.length > 0) {
    const missing = S_ENV_ACCESS_KEYS.filter((key) => !present.includes(key));
    lines.push(`deploy: ${present.join(' and ')} ${present.length === 1 ? 'is' : 'are'} set, but ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not: s reads the three together`);
  }
  if (env.ALIBABA_CLOUD_ACCESS_KEY_ID?.trim()) {
    lines.push(
      'deploy: ALIBABA_CLOUD_ACCESS_KEY_ID is set, but s does not read it for this access: export AccessKeyID="$ALIBABA_CLOUD_ACCESS_KEY_ID" AccessKeySecret="$ALIBABA_CLOUD_ACCESS_KEY_SECRET" AccountID=<your 16-digit account ID>',
    );
  }
  return { ok: false, lines };
}

/** Errors that mean the machine cannot reach the registry or the FC endpoint. */
const NETWORK_ERROR = /\b(?:getaddrinfo|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH)\b|socket hang up/;
const UNRESOLVED_HOST = /\b(?:ENOTFOUND|EAI_AGAIN)\s+([A-Za-z0-9.-]+)/;
const REFUSED = /\bECONNREFUSED\s+([0-9A-Fa-f.:[\]]+)/;
const ACCESS_NOT_FOUND = /Not found access|The access \S+ is not found/i;
const ACCESS_REFUSED = /\b(InvalidAccessKeyId(?:\.NotFound)?|SignatureDoesNotMatch|InvalidAccessKeySecret)\b/;

/** One line for a failed `s deploy`, from what it printed; undefined when the cause is something else. */
export function explainFailure(output: string, alias: string): string | undefined {
  const refused = ACCESS_REFUSED.exec(output);
  if (refused) {
    return `deploy: Alibaba Cloud refused the AccessKey of the access "${alias}" (${refused[1]}): check it with npx s config get -a ${alias}, or set it again with npx s config add`;
  }
  if (ACCESS_NOT_FOUND.test(output)) {
    return `deploy: s found no credentials for the access "${alias}": set them up with npx s config add (alias ${alias}), or export ${S_ENV_ACCESS_KEYS.join(', ')}`;
  }
  if (NETWORK_ERROR.test(output)) {
    const host = UNRESOLVED_HOST.exec(output)?.[1];
    const address = REFUSED.exec(output)?.[1];
    const what = host ? `cannot resolve ${host}` : address ? `connection refused by ${address}` : 'the connection failed';
    return `deploy: no network: ${what}. s deploy needs to reach Serverless Devs' registry (api.devsapp.cn, for the fc3 component) and the region's Function Compute endpoint; check the connection, DNS or HTTPS_PROXY, then run npm run deploy again`;
  }
  return undefined;
}

export interface DeployOptions {
  sYamlPath: string;
  /** Passed on to `s deploy -y`. */
  args: readonly string[];
  env: Env;
  home: string;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/** Keeps the end of what `s` printed, for {@link explainFailure}. */
const TAIL_BYTES = 256 * 1024;

/** Runs the deploy; resolves with the exit code. */
export async function runDeploy(options: DeployOptions): Promise<number> {
  const alias = accessAliasOf(readFileSync(options.sYamlPath, 'utf8'), options.args);
  const access = findAccess(alias, options.env, options.home);
  if (!access.ok) {
    for (const line of access.lines) options.err.write(`${line}\n`);
    return 1;
  }
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
  };
  const code = await new Promise<number>((done) => {
    const child = spawn('s', ['deploy', '-y', '-t', options.sYamlPath, ...options.args], {
      cwd: dirname(options.sYamlPath),
      env: options.env as NodeJS.ProcessEnv,
      stdio: ['inherit', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => {
      options.out.write(chunk);
      keep(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      options.err.write(chunk);
      keep(chunk);
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      options.err.write(
        error.code === 'ENOENT'
          ? 'deploy: the Serverless Devs CLI (s) is not on PATH: run npm ci (it is a devDependency), then npm run deploy\n'
          : `deploy: s could not be started (${error.code ?? error.name})\n`,
      );
      done(1);
    });
    child.once('close', (exitCode, signal) => done(exitCode ?? (signal ? 1 : 0)));
  });
  if (code !== 0) {
    const line = explainFailure(tail, alias);
    if (line) options.err.write(`${line}\n`);
  }
  return code;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  process.exitCode = await runDeploy({
    sYamlPath: join(import.meta.dirname, '..', '..', 's.yaml'),
    args: process.argv.slice(2),
    env: process.env,
    home: process.env.HOME || homedir(),
    out: process.stdout,
    err: process.stderr,
  });
}
