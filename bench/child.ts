/**
 * Runs inside a fresh `node` process (bundled to CJS by the bench): loads one handler bundle,
 * answers requests, and reports timings and resource use on stdout as one JSON line.
 * argv: JSON {bundle, mode: 'first' | 'loop', count, event (base64), credentials[], rotateAt?}
 */
const spec = JSON.parse(process.argv[2] as string) as {
  bundle: string;
  mode: 'first' | 'loop';
  count: number;
  /** An HTTP trigger event, or a timer event for the spot-check function. */
  event: string;
  credentials: Array<{ accessKeyId: string; accessKeySecret: string; securityToken?: string }>;
  rotateAt?: number;
};

const context = (i: number) => ({
  requestId: `bench-${i}`,
  credentials: spec.credentials[spec.rotateAt !== undefined && i >= spec.rotateAt ? 1 : 0],
  function: { name: 'bench', handler: 'index.handler', memory: 512, timeout: 30 },
  region: 'cn-hangzhou',
  accountId: '1234567890123456',
});

// Access-log lines are produced (their cost is measured) but not printed.
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (() => true) as typeof process.stdout.write;

const loadStarted = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { handler } = require(spec.bundle) as { handler: (e: Buffer, c: unknown) => Promise<{ statusCode?: number; complete?: boolean }> };
const loaded = performance.now();
// The bundle's own files that loading it read (index.js and the chunks it requires at load), before any request.
const bundleDir = spec.bundle.slice(0, spec.bundle.lastIndexOf('/') + 1);
const startupFiles = Object.keys(require.cache).filter((path) => path.startsWith(bundleDir) && !path.slice(bundleDir.length).includes('/'));
const event = Buffer.from(spec.event, 'base64');

void (async () => {
  const statuses: Record<string, number> = {};
  let firstAnswered = 0;
  for (let i = 0; i < spec.count; i++) {
    const response = await handler(event, context(i));
    // The spot-check function answers with its run summary.
    const status = response.statusCode ?? (response.complete ? 'complete' : 'incomplete');
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (i === 0) firstAnswered = performance.now();
  }
  write(
    `${JSON.stringify({
      sinceProcessStartMs: firstAnswered,
      loadMs: loaded - loadStarted,
      firstRequestMs: firstAnswered - loaded,
      maxRssKb: process.resourceUsage().maxRSS,
      statuses,
      startupFiles,
    })}\n`,
  );
  process.exit(0);
})();
