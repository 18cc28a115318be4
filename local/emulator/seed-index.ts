import type { Seed } from './seed-schema';

/** One seeded credential. */
export type SeedCredential = Seed['accounts'][number]['credentials'][number];
/** One seeded message with its tracks. */
export type SeedMessage = Seed['instances'][number]['topics'][number]['messages'][number];
/** One seeded consumer-group track. */
export type SeedTrack = SeedMessage['tracks'][number];
/** One seeded consumer group's state (connections, backlog, DLQ). */
export type SeedConsumerGroup = NonNullable<Seed['instances'][number]['consumerGroups']>[number];

/** A credential with the account it belongs to. */
export interface CredentialEntry {
  accountId: string;
  credential: SeedCredential;
}

/** An instance with its topics; messages are keyed by upper-case msgId. */
export interface IndexedInstance {
  instanceId: string;
  accountId: string;
  topics: ReadonlyMap<string, ReadonlyMap<string, SeedMessage>>;
  /** Seeded consumer groups by GroupId. */
  consumerGroups: ReadonlyMap<string, SeedConsumerGroup>;
}

/** Lookups over a validated seed. */
export interface SeedIndex {
  credentials: ReadonlyMap<string, CredentialEntry>;
  instances: ReadonlyMap<string, IndexedInstance>;
}

/**
 * Builds lookup maps over a validated seed.
 *
 * @param seed - A seed that passed `SeedSchema`.
 * @returns The index.
 */
export function createSeedIndex(seed: Seed): SeedIndex {
  const credentials = new Map<string, CredentialEntry>();
  for (const account of seed.accounts) {
    for (const credential of account.credentials) {
      credentials.set(credential.accessKeyId, { accountId: account.accountId, credential });
    }
  }
  const instances = new Map<string, IndexedInstance>();
  for (const instance of seed.instances) {
    const topics = new Map<string, Map<string, SeedMessage>>();
    for (const topic of instance.topics) {
      const byId = new Map<string, SeedMessage>();
      for (const message of topic.messages) {
        // The message's own ID wins over another's alias.
        for (const alias of message.alsoKnownAs ?? []) if (!byId.has(alias.toUpperCase())) byId.set(alias.toUpperCase(), message);
      }
      for (const message of topic.messages) byId.set(message.msgId.toUpperCase(), message);
      topics.set(topic.topic, byId);
    }
    const consumerGroups = new Map((instance.consumerGroups ?? []).map((group) => [group.groupId, group]));
    instances.set(instance.instanceId, { instanceId: instance.instanceId, accountId: instance.accountId, topics, consumerGroups });
  }
  return { credentials, instances };
}
