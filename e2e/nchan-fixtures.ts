/**
 * nginx + nchan in front of the test's reference server (the `backend` fixture): pages, token
 * endpoint and channels all come through nginx, one origin. Stopped after the test, even a failed one.
 */
import type { Page } from '@playwright/test';
import { nchanModuleOf, startNchanFront } from '../server/nchan/front';
import type { NchanModule } from '../server/nchan/index';
import type { RunningNginx } from '../server/nchan/nginx';
import { test as base } from './fixtures';

export interface Nchan {
  nginx: RunningNginx;
  module: NchanModule;
  /** nginx's base URL: where the pages are opened. */
  url: string;
}

export const test = base.extend<{ nchan: Nchan }>({
  nchan: async ({ backend }, use) => {
    const nginx = await startNchanFront(backend.server);
    try {
      await use({ nginx, module: nchanModuleOf(backend.server), url: nginx.url });
    } finally {
      await nginx.close();
    }
  },
});

export { expect, Widget } from './fixtures';

/** The conversation id the widget created and keeps (from its namespaced storage). */
export const conversationIdOf = (page: Page) =>
  page.evaluate(() => {
    const key = Object.keys(localStorage).find(
      (k) => k.startsWith('parley:nchan|') && k.endsWith(':conversation'),
    );
    return key ? localStorage.getItem(key) : null;
  });
