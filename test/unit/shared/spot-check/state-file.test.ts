import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../../../shared/deadline';
import { AppError } from '../../../../shared/errors';
import { createFileStatePort } from '../../../../shared/spot-check/state-file';
import { createNoStatePort, emptyState } from '../../../../shared/spot-check/state-port';

const NOW = Date.parse('2025-10-25T04:00:00.000Z');
const deadline = createDeadline(1000);
const tempPath = () => join(mkdtempSync(join(tmpdir(), 'mqtrace-state-')), 'nested', 'state.json');

describe('Function: createFileStatePort', () => {
  it('reads a missing file as an empty state', async () => {
    expect(await createFileStatePort({ path: tempPath(), now: () => NOW }).load(deadline)).toEqual(emptyState(NOW));
  });

  it('saves and loads the state, creating the folder', async () => {
    const port = createFileStatePort({ path: tempPath(), now: () => NOW });
    const state = {
      version: 1 as const,
      updatedAt: new Date(NOW).toISOString(),
      checks: { a: { status: 'FAILING' as const, since: 'x', failed: 2, alerts: { slack: { at: 'y', failed: 2 } }, updatedAt: 'z' } },
    };

    await port.save(state, deadline);

    expect(await port.load(deadline)).toEqual(state);
  });

  it('reads a corrupt file as an empty state rather than wedging the alerts', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mqtrace-state-')), 'state.json');
    writeFileSync(path, '{"version": 2');

    expect(await createFileStatePort({ path, now: () => NOW }).load(deadline)).toEqual(emptyState(NOW));
  });

  it('rejects with an AppError when the file cannot be written', async () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'mqtrace-state-')), 'file');
    writeFileSync(blocker, 'not a folder');

    await expect(createFileStatePort({ path: join(blocker, 'state.json'), now: () => NOW }).save(emptyState(NOW), deadline)).rejects.toBeInstanceOf(AppError);
  });
});

describe('Function: createNoStatePort', () => {
  it('remembers nothing', async () => {
    const port = createNoStatePort();
    await port.save(emptyState(NOW), deadline);

    expect(await port.load(deadline)).toBeUndefined();
    expect(port.kind).toBe('none');
  });
});
