import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

/** How a cloud API call shows in the source; each pattern names the registry's `call`. */
export const CALL_PATTERNS: ReadonlyArray<{ call: (match: RegExpExecArray) => string; pattern: RegExp; onlyIn?: RegExp }> = [
  // Every ONS port calls the gateway with a literal action name.
  { pattern: /\.call\(\s*'(Ons[A-Za-z]+)'/g, call: (m) => m[1] as string },
  // So does the 5.x broker, in the files that use its gateway.
  { pattern: /\.call\(\s*'([A-Z][A-Za-z]+)'/g, call: (m) => m[1] as string, onlyIn: /from '\.\/rocketmq5-gateway'/ },
  // fc2's invoke path; only the fc2 adapter posts to it.
  { pattern: /\/invocations`/g, call: () => 'InvokeFunction', onlyIn: /'@alicloud\/fc2'/ },
  // The OSS client's object calls, in the one module that builds it.
  { pattern: /\)\.get\(/g, call: () => 'GetObject', onlyIn: /'ali-oss'/ },
  { pattern: /\)\.put\(/g, call: () => 'PutObject', onlyIn: /'ali-oss'/ },
];

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?!type\s)[^'"]*?from\s+'(\.[^']+)'/g;
const DYNAMIC_IMPORT = /import\(\s*'(\.[^']+)'\s*\)/g;

/** The source files an entry point can load at run time: static and dynamic relative imports, type-only imports excluded. */
export function reachableFiles(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [resolve(entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const re of [IMPORT, DYNAMIC_IMPORT]) {
      for (const match of text.matchAll(re)) {
        const target = resolveModule(dirname(file), match[1] as string);
        if (target) queue.push(target);
      }
    }
  }
  return [...seen].sort();
}

/** Calls found in `source`, by the {@link CALL_PATTERNS}. */
export function callsIn(source: string): string[] {
  const found = new Set<string>();
  for (const { pattern, call, onlyIn } of CALL_PATTERNS) {
    if (onlyIn && !onlyIn.test(source)) continue;
    for (const match of source.matchAll(pattern)) found.add(call(match));
  }
  return [...found];
}

/** How a Broker port method is called: `broker.consumption(`, `deps.diagnostics.messageDetail(`, `pages.pageByTopic(`. */
const BROKER_METHOD_CALL = /\.(consumption|messageDetail|consumerAccumulate|consumerConnections|consumerStatus|dlqMessage|pageByTopic|findByKey|journey)\(/g;

/** The Broker port methods called in `source`. */
export function brokerMethodsIn(source: string): string[] {
  return [...new Set([...source.matchAll(BROKER_METHOD_CALL)].map((m) => m[1] as string))];
}

/**
 * The Broker port methods the code reachable from `entry` calls, outside the broker adapters
 * themselves (`excludeDirs`), which implement them.
 */
export function brokerMethodsReachableFrom(entry: string, excludeDirs: readonly string[]): string[] {
  const files = reachableFiles(entry).filter((f) => !excludeDirs.some((dir) => f.startsWith(resolve(dir) + sep)));
  return [...new Set(files.flatMap((f) => brokerMethodsIn(readFileSync(f, 'utf8'))))].sort();
}

/** Every API call the `.ts` files under `dir` make (a broker adapter's calls, reachable or not). */
export function callsInDir(dir: string): string[] {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  return [...new Set(files.flatMap((f) => callsIn(readFileSync(join(dir, f), 'utf8'))))].sort();
}

/** Every API call the code reachable from `entry` makes. */
export function callsReachableFrom(entry: string): string[] {
  return [...new Set(reachableFiles(entry).flatMap((f) => callsIn(readFileSync(f, 'utf8'))))].sort();
}

function resolveModule(from: string, specifier: string): string | undefined {
  const base = join(from, specifier);
  return [`${base}.ts`, join(base, 'index.ts'), base].find((p) => existsSync(p) && p.endsWith('.ts'));
}
