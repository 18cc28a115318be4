/**
 * Writes `config/mqtrace-config.schema.json`, the JSON Schema of the MQTRACE_CONFIG document,
 * from its zod schema. A unit test fails when the committed file drifts from the schema.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appConfigJsonSchema } from '../shared/config/app-config-schema';

export const CONFIG_SCHEMA_PATH = join(import.meta.dirname, '..', 'config', 'mqtrace-config.schema.json');

/** The file's text: the schema with an id and a title, two-space JSON. */
export function configSchemaText(): string {
  const schema = { $id: 'https://mqtrace.local/mqtrace-config.schema.json', title: 'mqtrace configuration (MQTRACE_CONFIG)', ...appConfigJsonSchema() };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  writeFileSync(CONFIG_SCHEMA_PATH, configSchemaText());
  console.log('wrote config/mqtrace-config.schema.json');
}
