import { createPresenter, type Presenter } from '../../shared/i18n/translator';
import type { RenderView } from '../../shared/platforms/platform-port';

/** English, times in UTC: what most renderer tests read. */
export const EN_UTC: Presenter = createPresenter('en', { kind: 'offset', minutes: 0 });

/** Chinese, times in Asia/Shanghai (UTC+8): the default of a Chinese region. */
export const ZH_SHANGHAI: Presenter = createPresenter('zh-CN', { kind: 'iana', name: 'Asia/Shanghai' });

/** A render view for a presenter and an invocation. */
export function buildRenderView(presenter: Presenter = EN_UTC, invocation = '/mqtrace'): RenderView {
  return { presenter, invocation };
}
