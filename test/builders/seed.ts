import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SEED_PATH } from '../../local/emulator/load-seed';
import type { Seed } from '../../local/emulator/seed-schema';

/** A copy of the demo seed, changed by `change`, written to a temp file. Returns the seed and its path. */
export function buildSeedFile(change: (seed: Seed) => void = () => undefined): { seed: Seed; path: string } {
  const seed = JSON.parse(readFileSync(DEMO_SEED_PATH, 'utf8')) as Seed;
  delete (seed as { $schema?: string }).$schema;
  // Tests address demo messages by their fixed ids.
  delete seed.alignClientIds;
  change(seed);
  const path = join(mkdtempSync(join(tmpdir(), 'mqtrace-seed-')), 'seed.json');
  writeFileSync(path, JSON.stringify(seed));
  return { seed, path };
}

/** The demo account's STS credential: the one the local stack hands the function as its role. */
export function stsCredentialOf(seed: Seed) {
  const credential = seed.accounts[0]?.credentials.find((c) => c.securityToken);
  if (!credential) throw new Error('demo seed lost its STS credential');
  return credential;
}
