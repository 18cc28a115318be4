import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
// Value imports only: `import type` is erased, `import()` loads on first use.
const STATIC_IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?!type\s)[^'"]*?from\s+'(\.[^']+)'/g;

/** The source files the HTTP function evaluates at cold start: static value imports from its entry point. */
function staticallyReachable(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [resolve(entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      const base = join(dirname(file), match[1] as string);
      const target = [`${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p));
      if (target) queue.push(target);
    }
  }
  return [...seen].map((f) => relative(ROOT, f)).sort();
}

describe('Module graph: find and journey stay off the 4.x lookup path’s cold start', () => {
  const cold = staticallyReachable(join(ROOT, 'functions', 'http', 'index.ts'));

  it('evaluates none of the find and journey modules, or their zod schemas, at cold start', () => {
    const lazy = [
      'shared/http/find-api.ts',
      'shared/trace/find-schema.ts',
      'shared/trace/journey-schema.ts',
      'shared/trace/find-service.ts',
      'shared/trace/journey-service.ts',
      'shared/ons/message-by-key.ts',
      'shared/ons/trace-journey.ts',
      'shared/chat/chat-explore.ts',
    ];
    expect(cold.filter((f) => lazy.includes(f))).toEqual([]);
    // The lookup path itself is still there.
    expect(cold).toContain('shared/trace/lookup-service.ts');
    expect(cold).toContain('shared/ons/ons-broker.ts');
  });

  it('reaches them through import() on their first request', () => {
    expect(readFileSync(join(ROOT, 'functions', 'http', 'handler.ts'), 'utf8')).toContain("import('../../shared/http/find-api')");
    const broker = readFileSync(join(ROOT, 'shared', 'ons', 'ons-broker.ts'), 'utf8');
    expect(broker).toContain("await import('./message-by-key')");
    expect(broker).toContain("await import('./trace-journey')");
  });
});
