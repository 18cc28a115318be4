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
    slack: async (event, context) => (await api()).slack(event, context),
    slackProbe: async (event, context) => (await api()).slackProbe(event, context),
    dingtalk: async (event, context) => (await api()).dingtalk(event, context),
    finishDeferred: async (event, context) => (await api()).finishDeferred(event, context),
  };
}
