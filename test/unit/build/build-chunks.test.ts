import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { assertOneCopyOfEachModule, startupFiles } from '../../../scripts/build';

type Output = Metafile['outputs'][string];

const output = (inputs: string[], imports: Output['imports'] = []): Output => ({
  bytes: 1,
  inputs: Object.fromEntries(inputs.map((path) => [path, { bytesInOutput: 1 }])),
  imports,
  exports: [],
  entryPoint: undefined,
});

const metafile = (outputs: Record<string, Output>): Metafile => ({ inputs: {}, outputs });

describe('The function build', () => {
  it('accepts chunks that share no module', () => {
    const split = metafile({
      'dist/.esm/http/index.js': output(['functions/http/index.ts', 'shared/errors.ts']),
      'dist/.esm/http/chunk-A.js': output(['shared/chat/chat-api.ts']),
    });
    expect(() => assertOneCopyOfEachModule('http', split)).not.toThrow();
  });

  it('fails when a module would load twice: in two files, or zod beside zod.js', () => {
    const twice = metafile({
      'dist/.esm/http/index.js': output(['shared/errors.ts']),
      'dist/.esm/http/chunk-A.js': output(['shared/errors.ts']),
    });
    expect(() => assertOneCopyOfEachModule('http', twice)).toThrow('shared/errors.ts is in both dist/.esm/http/index.js and dist/.esm/http/chunk-A.js');
    const zod = metafile({ 'dist/.esm/http/chunk-B.js': output(['node_modules/zod/v4/classic/schemas.js']) });
    expect(() => assertOneCopyOfEachModule('http', zod)).toThrow('not only in zod.js');
  });

  it('counts as loaded at start the chunks index.js imports statically, transitively, and none reached by import() only', () => {
    const split = metafile({
      'dist/.esm/http/index.js': output(['a'], [
        { path: 'dist/.esm/http/chunk-A.js', kind: 'import-statement' },
        { path: 'dist/.esm/http/chunk-C.js', kind: 'dynamic-import' },
        { path: './fc3.js', kind: 'dynamic-import', external: true },
        { path: 'node:crypto', kind: 'import-statement', external: true },
      ]),
      'dist/.esm/http/chunk-A.js': output(['b'], [{ path: 'dist/.esm/http/chunk-B.js', kind: 'import-statement' }]),
      'dist/.esm/http/chunk-B.js': output(['c']),
      'dist/.esm/http/chunk-C.js': output(['d'], [{ path: 'dist/.esm/http/chunk-B.js', kind: 'import-statement' }]),
    });
    expect(startupFiles(split).sort()).toEqual(['chunk-A.js', 'chunk-B.js', 'index.js']);
  });
});
