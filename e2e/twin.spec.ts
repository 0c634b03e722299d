/**
 * The TWIN demo in a real browser: REST session + Socket.IO (EIO 3, socket.io 2.x server), answer
 * buttons, attachments, typing, operator hand-over, read receipts and the TERMINAL state.
 */
import { expect, test, twinOf, Widget } from './fixtures';

test.describe('twin demo', () => {
  test('greeting with a picture, answer buttons, a file, and every message acknowledged once', async ({
    page,
    backend,
    consoleLines,
  }) => {
    // setup
    await page.goto(`${backend.url}/demo-twin.html`);
    const widget = new Widget(page);
    await widget.open();
    // then: the session answer's greeting and picture show before any socket event
    await expect(widget.log.getByText(/I am the TWIN demo bot/)).toBeVisible();
    const picture = widget.log.getByRole('button', { name: /Open image/ });
    await expect(picture).toBeVisible();
    await expect(picture.locator('img')).toHaveJSProperty('complete', true);
    expect(
      await picture.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth),
    ).toBeGreaterThan(0);

    // when: the visitor asks for help and picks an answer button
    await widget.send('help');
    const answers = widget.log.getByRole('group', { name: 'Suggested answers' }).last();
    await expect(answers.getByRole('button', { name: 'file' })).toBeVisible();
    await answers.getByRole('button', { name: 'file' }).click();
    // then: the choice is sent as a message, the buttons stay focusable but are marked
    await expect(widget.log.getByText('Here is a file for you.')).toBeVisible();
    await expect(answers.getByRole('button', { name: 'file' })).toHaveAttribute('aria-disabled', 'true');
    await expect(widget.log.getByRole('link', { name: /Download/ })).toBeVisible();

    // and every message the server pushed over the socket was acknowledged exactly once
    const twin = twinOf(backend);
    const [sessionId] = twin.sessionIds();
    await expect
      .poll(() => {
        const acks = twin.acks(sessionId!);
        const sent = twin.sentIds(sessionId!);
        return (
          sent.length > 0 &&
          sent.every((id) => acks.get(id) === 1) &&
          [...acks.values()].every((n) => n === 1)
        );
      })
      .toBe(true);
    expect(consoleLines.filter((l) => /Refused to|Content Security Policy/i.test(l))).toEqual([]);
  });

  test.describe(() => {
    test.use({ serverOptions: { replyDelayMs: 400 } });
    test('typing indicator comes and goes, an operator takes over, reads, and "stop" ends the session', async ({
      page,
      backend,
    }) => {
      await page.goto(`${backend.url}/demo-twin.html`);
      const widget = new Widget(page);
      await widget.open();
      await expect(widget.log.getByText(/I am the TWIN demo bot/)).toBeVisible();

      // when: the visitor asks for a human
      await widget.send('operator');
      // then: a help request, the operator notice, typing, the operator's message
      await expect(widget.log.getByText('Let me call an operator.')).toBeVisible();
      await expect(widget.log.getByText('Anna joined the conversation')).toBeVisible();
      await expect(widget.log.getByText('Hi, I am Anna. How can I help?')).toBeVisible();
      await expect(page.getByText(/is typing/)).toHaveCount(0);
      await expect(page.getByText('Anna is answering')).toBeVisible();

      // when: the visitor writes to the operator, who types (held by the server until released,
      // so the indicator is seen without racing a time window) and then answers
      const typing = twinOf(backend).holdAtTyping();
      await widget.send('my order is late');
      await expect(page.getByText('Anna is typing…')).toHaveCount(1);
      typing.release();
      await expect(widget.log.getByText('Anna here: I read "my order is late".')).toBeVisible();
      await expect(page.getByText(/is typing/)).toHaveCount(0);
      await expect(widget.log.getByText('Read').last()).toBeVisible();

      // when: the visitor ends the conversation
      await widget.send('stop');
      await expect(widget.log.getByText('Thank you for the conversation. The chat is closed.')).toBeVisible();
      await expect(page.getByText('This conversation has ended.').first()).toBeVisible();
      await expect(widget.composer).toHaveCount(0);
      const startNew = page.getByRole('button', { name: 'Start a new conversation' });
      await expect(startNew).toBeVisible();

      // then: a new conversation starts a new session
      const before = twinOf(backend).sessionIds().length;
      await startNew.click();
      await expect(widget.composer).toBeVisible();
      await widget.send('hello again');
      await expect(widget.log.getByText('You said: hello again')).toBeVisible();
      expect(twinOf(backend).sessionIds().length).toBe(before + 1);
    });
  });

  test('a reload within the session ttl resumes the same session', async ({ page, backend }) => {
    await page.goto(`${backend.url}/demo-twin.html`);
    const widget = new Widget(page);
    await widget.open();
    await widget.send('before reload');
    await expect(widget.log.getByText('You said: before reload')).toBeVisible();
    await page.reload();
    await widget.open();
    await widget.send('after reload');
    await expect(widget.log.getByText('You said: after reload')).toBeVisible();
    await expect(widget.log.getByText('You said: before reload')).toHaveCount(1);
    expect(twinOf(backend).sessionIds()).toHaveLength(1);
  });
});
