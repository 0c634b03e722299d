/**
 * Shared setup for component tests: a real store, in memory, over the transport the test passes
 * (the emulator). Tests create the adapter themselves so this non-test file never imports one.
 */
import { render } from '@testing-library/preact';
import { type KeyValueStore, memoryStore } from '../core/storage';
import { createTranslator } from '../i18n';
import { ru } from '../i18n/ru';
import { zh } from '../i18n/zh';
import { createChatStore } from '../store/chat-store';
import type { Transport } from '../transports/types';
import { ChatPanel } from './ChatPanel';
import type { WelcomeOptions, WidgetOptions } from './options';
import { Widget } from './Widget';

export interface MountOptions {
  options?: Partial<WidgetOptions>;
  /** `data-welcome`, `data-avatar`, `data-subtitle`, `data-suggestions`. */
  welcome?: WelcomeOptions;
  lang?: string;
  connect?: boolean;
  /** What the widget finds in storage (default: an empty memory store). */
  storage?: KeyValueStore;
}

export function mountWidget<T extends Transport>(transport: T, o: MountOptions = {}) {
  const store = createChatStore({ transport, storage: o.storage ?? memoryStore() });
  const lang = o.lang ?? 'en';
  const t = createTranslator(lang, lang.startsWith('zh') ? zh : lang.startsWith('ru') ? ru : undefined);
  const options: WidgetOptions = {
    title: 'Support',
    position: 'right',
    inline: false,
    theme: 'light',
    ...o.options,
  };
  if (o.connect !== false) store.connect();
  const view = render(
    <Widget
      store={store}
      t={t}
      options={options}
      panel={(slot) => <ChatPanel store={store} t={t} title={options.title} welcome={o.welcome} {...slot} />}
    />,
  );
  return { transport, store, t, ...view };
}
