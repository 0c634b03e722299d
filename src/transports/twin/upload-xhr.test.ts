// @vitest-environment jsdom
/**
 * The browser path of upload(): XMLHttpRequest (jsdom's, doing real HTTP to the reference module)
 * reports progress and can be aborted. Node has no XHR, so the other tests cover the fetch path.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTwinTestServer, type TwinTestServer } from '../../../server/twin/testing';
import { memoryStore } from '../../core/storage';
import { createTwinAdapter } from './adapter';

let server: TwinTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('upload through XMLHttpRequest', () => {
  it('reports progress and resolves the file', async () => {
    server = await startTwinTestServer();
    const a = createTwinAdapter({ server: server.url, chatId: 'demo', storage: memoryStore() });
    const progress: Array<[number, number]> = [];
    const file = new File(['x'.repeat(50_000)], 'big.txt', { type: 'text/plain' });
    const result = await a.upload!(file, { onProgress: (loaded, total) => progress.push([loaded, total]) });
    expect(result).toMatchObject({ id: expect.any(String), name: 'big.txt', size: 50_000 });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)?.[0]).toBe(progress.at(-1)?.[1]);
  });

  it('rejects with code aborted when the signal fires', async () => {
    server = await startTwinTestServer();
    const a = createTwinAdapter({ server: server.url, chatId: 'demo', storage: memoryStore() });
    const controller = new AbortController();
    const pending = a.upload!(new File(['y'], 'y.txt'), { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
  });
});
