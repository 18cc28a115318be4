import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError, ErrorCode } from '../errors';
import { emptyState, parseStateText, type SpotCheckStatePort } from './state-port';

/** The state in a local JSON file, for local runs. A missing file is an empty state. */
export function createFileStatePort(options: { path: string; now: () => number }): SpotCheckStatePort {
  return {
    kind: 'file',
    async load() {
      let text: string;
      try {
        text = await readFile(options.path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState(options.now());
        throw new AppError(ErrorCode.INTERNAL, 'the spot-check state file could not be read', { cause: error });
      }
      return parseStateText(text, options.now());
    },
    async save(state) {
      // Write then rename, so a crash never leaves half a file behind.
      const temporary = `${options.path}.${process.pid}.tmp`;
      try {
        await mkdir(dirname(options.path), { recursive: true });
        await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, 'utf8');
        await rename(temporary, options.path);
      } catch (error) {
        throw new AppError(ErrorCode.INTERNAL, 'the spot-check state file could not be written', { cause: error });
      }
    },
  };
}
