import type { ChatApi } from './chat-api';

/**
 * A {@link ChatApi} whose implementation is loaded on the first chat request. The lookup path of a
 * cold instance then never evaluates the chat modules (parsers, renderers, explain wiring).
 * @param load resolves the real API, e.g. with a dynamic `import()`; called at most once.
 */
export function createLazyChatApi(load: () => Promise<ChatApi>): ChatApi {
  let loaded: Promise<ChatApi> | undefined;
  const api = () => (loaded ??= load());
  return {
    slack: async (request, context) => (await api()).slack(request, context),
    slackProbe: async (request, context) => (await api()).slackProbe(request, context),
    dingtalk: async (request, context) => (await api()).dingtalk(request, context),
    finishDeferred: async (event, context) => (await api()).finishDeferred(event, context),
  };
}
