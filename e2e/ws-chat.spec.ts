/**
 * The ws-chat journeys in a real browser: the built script on the demo page against the real
 * reference server playing each generation of that product (the current event envelopes, and the
 * seed's flat frames), with reloads, drops and a server restart. The widget finds the generation by
 * itself (`data-protocol` is left at `auto`).
 */
import { expect, test, Widget, wsChatTexts } from './fixtures';

for (const generation of ['envelope', 'flat'] as const) {
  test.describe(`ws-chat demo, ${generation} generation`, () => {
    test.use({ serverOptions: { replyDelayMs: 50, wsChatProtocol: generation } });

    test('open, send, and get the bot answer', async ({ page, backend, consoleLines }) => {
      // setup
      await page.goto(`${backend.url}/demo.html`);
      const widget = new Widget(page);
      // when
      await widget.open();
      await widget.send('hello there');
      // then
      await expect(widget.message('hello there')).toHaveCount(1);
      await expect(widget.log.getByText(/Parley demo bot/)).toBeVisible();
      await expect(widget.log.getByText('You said: hello there')).toBeVisible();
      await expect(widget.composer).toHaveValue('');
      await expect(widget.log.getByText('Sent')).toHaveCount(1);
      expect(wsChatTexts(backend)).toEqual(['hello there']);
      const generationKey = await page.evaluate(() =>
        Object.entries(localStorage).find(([k]) => k.endsWith(':generation')),
      );
      expect(generationKey?.[1]).toBe(generation);
      // The demo page runs under a strict CSP: nothing may have been refused.
      expect(consoleLines.filter((l) => /Refused to|Content Security Policy/i.test(l))).toEqual([]);
      // No token, and no URL holding one, ever reaches the console.
      expect(consoleLines.filter((l) => /cust_|token=/.test(l))).toEqual([]);
    });

    test('a reload shows the same conversation, each message once', async ({ page, backend }) => {
      await page.goto(`${backend.url}/demo.html`);
      const widget = new Widget(page);
      await widget.open();
      await widget.send('remember me');
      await expect(widget.log.getByText('You said: remember me')).toBeVisible();
      const session = await page.evaluate(() =>
        Object.entries(localStorage).find(([k]) => k.startsWith('parley:ws-chat|') && k.endsWith(':session')),
      );
      expect(session).toBeTruthy();

      await page.reload();
      await widget.open();
      await expect(page.getByText('Online')).toBeVisible(); // connected: the history was merged
      await expect(widget.message('remember me')).toHaveCount(1);
      await expect(widget.log.getByText('You said: remember me')).toHaveCount(1);
      await widget.send('and again');
      await expect(widget.log.getByText('You said: and again')).toBeVisible();
      await expect(widget.message('remember me')).toHaveCount(1);
      const after = await page.evaluate((key) => localStorage.getItem(key), session![0]);
      // Same customer and conversation after the reload.
      expect(JSON.parse(after!)).toMatchObject({
        customerId: JSON.parse(session![1]).customerId,
        ...(generation === 'envelope'
          ? { sessionId: JSON.parse(session![1]).sessionId }
          : { conversationId: JSON.parse(session![1]).conversationId }),
      });
      expect(wsChatTexts(backend)).toEqual(['remember me', 'and again']);
    });

    test('messages typed while the server is down are delivered once after it restarts', async ({
      page,
      backend,
    }) => {
      await page.goto(`${backend.url}/demo.html`);
      const widget = new Widget(page);
      await widget.open();
      await widget.send('before');
      await expect(widget.log.getByText('You said: before')).toBeVisible();

      // when: the server goes away (losing its memory) and the visitor keeps typing
      await backend.stop();
      await expect(page.getByText(/Reconnecting/)).toBeVisible();
      await widget.send('first while down');
      await widget.send('second while down');
      await expect(widget.message('first while down')).toHaveCount(1);
      await expect(widget.message('second while down')).toHaveCount(1);
      await backend.restart();

      // then: both arrive, once each, in order
      await expect(widget.log.getByText('You said: first while down')).toHaveCount(1);
      await expect(widget.log.getByText('You said: second while down')).toHaveCount(1);
      await expect(widget.message('first while down')).toHaveCount(1);
      await expect(widget.message('second while down')).toHaveCount(1);
      expect(wsChatTexts(backend)).toEqual(['first while down', 'second while down']);
    });

    test.describe(() => {
      // The bot answers 300 ms after a message; the widget's first reconnect comes 500–1000 ms after a
      // drop. So a drop right after the server took the message makes the bot answer while no socket is open.
      test.use({ serverOptions: { replyDelayMs: 300, wsChatProtocol: generation } });

      test('a reply sent while the connection was down arrives once, in its place', async ({
        page,
        backend,
      }) => {
        await page.goto(`${backend.url}/demo.html`);
        const widget = new Widget(page);
        await widget.open();
        await widget.send('hello');
        await expect(widget.log.getByText('You said: hello')).toBeVisible();
        // when: the link drops right after the server took the message, before the bot answers
        await widget.send('late answer please');
        await expect.poll(() => wsChatTexts(backend)).toContain('late answer please');
        backend.server.dropConnections();
        // then: the answer arrives once, after the reconnect, right after the message it answers
        await expect(page.getByText(/Reconnecting/)).toBeVisible();
        await expect(widget.log.getByText('You said: late answer please')).toHaveCount(1);
        const texts = await widget.log.locator('.bubble').allInnerTexts();
        expect(texts.slice(-2)).toEqual(['late answer please', 'You said: late answer please']);
        expect(wsChatTexts(backend)).toEqual(['hello', 'late answer please']);
      });
    });
  });
}

test.describe('ws-chat demo', () => {
  test('keyboard: Enter sends, Shift+Enter adds a line, Escape closes and focus returns', async ({
    page,
    backend,
  }) => {
    await page.goto(`${backend.url}/demo.html`);
    const widget = new Widget(page);
    await widget.launcher.focus();
    await page.keyboard.press('Enter');
    await expect(widget.composer).toBeFocused();
    await page.keyboard.type('line one');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('line two');
    await expect(widget.composer).toHaveValue('line one\nline two');
    await page.keyboard.press('Enter');
    await expect(widget.log.getByText(/You said: line one/)).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(widget.composer).toBeHidden();
    await expect(widget.launcher).toBeFocused();
  });
});

test.describe('embedding', () => {
  test('a hostile page CSS leaves the widget looking right', async ({ page, backend }) => {
    await page.goto(`${backend.url}/demo-hostile.html`);
    const widget = new Widget(page);
    await expect(widget.launcher).toBeVisible();
    const launcher = await widget.launcher.evaluate((el) => {
      const s = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return {
        bg: s.backgroundColor,
        w: r.width,
        h: r.height,
        position: getComputedStyle(el).position,
        right: window.innerWidth - r.right,
      };
    });
    expect(launcher.bg).not.toBe('rgb(255, 0, 0)');
    expect(launcher.w).toBeGreaterThanOrEqual(44);
    expect(launcher.h).toBeGreaterThanOrEqual(44);
    expect(launcher.right).toBeLessThan(80); // still docked bottom-right
    await widget.open();
    const send = await widget.sendButton.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(send).not.toBe('rgb(255, 0, 0)');
    const font = await widget.composer.evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
    expect(font).toBeLessThan(24);
    await page.screenshot({ path: test.info().outputPath('hostile.png') });
  });

  test('the widget does not leak styles into the page', async ({ page, backend }) => {
    // setup: the page's own elements as the browser styles them without the widget
    const styleOf = () =>
      page.evaluate(() =>
        ['host-button', 'para'].map((id) => {
          const s = getComputedStyle(document.getElementById(id)!);
          return [s.fontFamily, s.fontSize, s.color, s.backgroundColor, s.margin, s.padding, s.lineHeight];
        }),
      );
    await page.goto(`${backend.url}/e2e/pages/plain-no-widget.html`);
    const without = await styleOf();
    // when: the same page with the widget, opened
    await page.goto(`${backend.url}/e2e/pages/plain.html`);
    await new Widget(page).open();
    // then: nothing changed for the page, and the widget added no stylesheet to the document
    expect(await styleOf()).toEqual(without);
    expect(
      await page.evaluate(
        () =>
          document.styleSheets.length +
          document.adoptedStyleSheets.length +
          document.querySelectorAll('[style]:not([data-parley])').length,
      ),
    ).toBe(0);
  });

  test('a wrong data-transport prints one clear console error and shows no launcher', async ({
    page,
    backend,
  }) => {
    const errors: string[] = [];
    page.on(
      'console',
      (m) => m.type() === 'error' && m.text().startsWith('[parley]') && errors.push(m.text()),
    );
    await page.goto(`${backend.url}/e2e/pages/bad-transport.html`);
    await page.waitForFunction(() => document.readyState === 'complete');
    await expect.poll(() => errors.length).toBe(1);
    expect(errors[0]).toContain('[parley]');
    expect(errors[0]).toContain('data-transport="carrier-pigeon"');
    expect(errors[0]).toContain('data-transport="ws-chat"');
    await expect(page.getByRole('button', { name: 'Open chat' })).toHaveCount(0);
    expect(await page.locator('[data-parley]').count()).toBe(0);
  });

  test('window.Parley replays calls queued before the script loaded, and reports events', async ({
    page,
    backend,
  }) => {
    await page.goto(`${backend.url}/e2e/pages/api.html`);
    const widget = new Widget(page);
    await expect(widget.composer).toBeVisible();
    await page.evaluate(() =>
      (window as unknown as { Parley: { send(t: string): void } }).Parley.send('from the page'),
    );
    await expect(widget.log.getByText('You said: from the page')).toBeVisible();
    const events = await page.evaluate(() => (window as unknown as { events: string[] }).events);
    expect(events.slice(0, 2)).toEqual(['ready', 'open']);
    expect(events).toContain('sent:from the page');
    expect(events).toContain('message:You said: from the page');
    await page.evaluate(() => (window as unknown as { Parley: { close(): void } }).Parley.close());
    await expect(widget.composer).toBeHidden();
    await page.evaluate(() => (window as unknown as { Parley: { destroy(): void } }).Parley.destroy());
    await expect(widget.launcher).toHaveCount(0);
  });
});
