import { NotFoundError } from '../errors';
import type { Credentials } from '../credentials';
import type { Broker, BrokerDirectory, BrokerFactory, BrokerKind } from '../trace/broker-port';
import { brokerKindOf } from './instance-rules';

/**
 * One broker API family the composition root offers. `load` builds its factory; it may import
 * the adapter's SDK lazily, so a family nobody asks about costs nothing at cold start.
 */
export interface BrokerRegistration {
  kind: BrokerKind;
  load: () => BrokerFactory | Promise<BrokerFactory>;
}

/** Creates the {@link BrokerDirectory} over the registrations; each family is loaded once, on first use. */
export function createBrokerDirectory(registrations: readonly BrokerRegistration[]): BrokerDirectory {
  const loaded = new Map<BrokerKind, Promise<BrokerFactory>>();
  const factoryFor = (kind: BrokerKind): Promise<BrokerFactory> | undefined => {
    const existing = loaded.get(kind);
    if (existing) return existing;
    const registration = registrations.find((r) => r.kind === kind);
    if (!registration) return undefined;
    const loading = Promise.resolve().then(registration.load);
    // A failed load (say, a missing file) may succeed on the next request.
    loading.catch(() => loaded.delete(kind));
    loaded.set(kind, loading);
    return loading;
  };
  return {
    kindOf: (instanceId) => {
      const kind = brokerKindOf(instanceId);
      return kind && registrations.some((r) => r.kind === kind) ? kind : undefined;
    },
    async forInstance(instanceId: string, credentials: Credentials): Promise<Broker> {
      const kind = brokerKindOf(instanceId);
      const factory = kind ? factoryFor(kind) : undefined;
      if (!factory) throw new NotFoundError('no broker API is configured for this instance ID');
      return (await factory)(credentials);
    },
  };
}
