import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

/** mqtrace's own modules that loading functions/http/index.ts evaluates: its static imports, transitively. */
async function staticGraph(entry: string): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
    absWorkingDir: ROOT,
    // Packages are not mqtrace's to check; dynamic imports are evaluated on first use only.
    packages: 'external',
  });
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of metafile.inputs[file]?.imports ?? []) if (i.kind !== 'dynamic-import' && !i.external) visit(i.path);
  };
  visit(entry);
  return [...seen];
}

/** The root identifier of a call/property chain such as `z.object({…}).strict()` or `XSchema.extend(…)`. */
function chainRoot(node: ts.Expression): string | undefined {
  let current: ts.Expression = node;
  for (;;) {
    if (ts.isCallExpression(current)) current = current.expression;
    else if (ts.isPropertyAccessExpression(current)) current = current.expression;
    else if (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current)) current = current.expression;
    else break;
  }
  return ts.isIdentifier(current) ? current.text : undefined;
}

/** Top-level statements of `file` that build a zod schema while the module loads. */
function eagerSchemas(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const check = (expression: ts.Expression | undefined, where: string) => {
    if (!expression || !(ts.isCallExpression(expression) || ts.isPropertyAccessExpression(expression))) return;
    const root = chainRoot(expression);
    if (root === 'lazySchema') return;
    if (root === 'z' || (root !== undefined && /Schema$/.test(root) && ts.isCallExpression(expression))) found.push(`${file}: ${where}`);
  };
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) check(declaration.initializer, declaration.name.getText(source));
    } else if (ts.isExpressionStatement(statement)) {
      check(statement.expression, statement.expression.getText(source).slice(0, 40));
    }
  }
  return found;
}

describe('The HTTP function’s cold path', () => {
  it('builds no zod schema while its modules load: each is a lazySchema, or in a module loaded on first use', async () => {
    // Arrange
    const files = (await staticGraph('functions/http/index.ts')).filter((f) => f.endsWith('.ts'));

    // Act
    const eager = files.flatMap(eagerSchemas);

    // Assert
    expect(files.length).toBeGreaterThan(30);
    expect(eager).toEqual([]);
  });

  it('recognises a schema built at load, so the check above can fail', () => {
    // Act / Assert: the spot-check function builds its configuration schemas at load, by design.
    expect(eagerSchemas('shared/config/spot-check-config.ts')).toContain('shared/config/spot-check-config.ts: SpotCheckEnvSchema');
  });
});
