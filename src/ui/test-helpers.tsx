/** Shared setup for component tests: a real store over the emulator adapter, in memory. */
import { render } from '@testing-library/preact';
import { memoryStore } from '../core/storage';
import { createTranslator } from '../i18n';
import { createChatStore } from '../store/chat-store';
import { EmulatorAdapter, type EmulatorOptions } from '../transports/emulator/adapter';
import type { WidgetOptions } from './options';
import { Widget } from './Widget';

export interface SetupOptions {
  emulator?: EmulatorOptions;
  options?: Partial<WidgetOptions>;
  lang?: string;
  connect?: boolean;
}

export function setup(o: SetupOptions = {}) {
  const transport = new EmulatorAdapter(o.emulator);
  const store = createChatStore({ transport, storage: memoryStore() });
  const t = createTranslator(o.lang ?? 'en');
  const options: WidgetOptions = {
    title: 'Support',
    position: 'right',
    inline: false,
    theme: 'light',
    ...o.options,
  };
  if (o.connect !== false) store.connect();
  const view = render(<Widget store={store} t={t} options={options} />);
  return { transport, store, t, ...view };
}
