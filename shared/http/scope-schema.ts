import { z } from 'zod';

/**
 * The body of `GET /v1/scope`: who the token is, the instances it can pick without typing an ID,
 * and the patterns its lookups must match. Only the OpenAPI document imports the schema; the route
 * builds the body from the type.
 */
export const ScopeViewSchema = z
  .object({
    caller: z.string().meta({ description: 'The token name, as the audit log shows it.' }),
    defaultInstance: z
      .object({ instanceId: z.string(), alias: z.string().optional().meta({ description: 'An alias that names the same instance, if any.' }) })
      .nullable()
      .meta({ description: 'What a lookup without instanceId uses; null when none is configured.' }),
    aliases: z
      .array(z.object({ alias: z.string(), instanceId: z.string() }))
      .meta({ description: 'Every configured alias whose instance this caller may look up, in configuration order.' }),
    scope: z
      .object({
        instances: z.array(z.string()).meta({ description: 'Instance-ID patterns (aliases resolved; * and ? are wildcards).' }),
        topics: z.array(z.string()).meta({ description: 'Topic patterns (* and ? are wildcards).' }),
      })
      .meta({ description: 'A lookup must match an instance and a topic pattern, else it gets 403 FORBIDDEN.' }),
  })
  .meta({ id: 'ScopeView' });

export type ScopeView = z.infer<typeof ScopeViewSchema>;
