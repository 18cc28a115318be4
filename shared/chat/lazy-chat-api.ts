import type { ChatApi } from './chat-api';

/**
 * A {@link ChatApi} whose implementation is loaded on the first chat request. The lookup path of a
 * cold instance then never evaluates the chat modules (parsers, renderers, explain wiring); each
 * platform's adapter loads later still, on its own route's first request.
 * @param load resolves the real API, e.g. with a dynamic `import()`; called at most once.
 */
export function createLazyChatApi(load: () => Promise<ChatApi>): ChatApi {
  let loaded: Promise<ChatApi> | undefined;
  const api = () => (loaded ??= load());
  return {
    post: async (platform, request, context) => (await api()).post(platform, request, context),
    get: async (platform, request, context) => (await api()).get(platform, request, context),
    finishDeferred: async (event, context) => (await api()).finishDeferred(event, context),
  };
}
