/**
 * Issue 15, "the first minute feels finished", in a real browser against the reference server: the
 * states a new visitor meets (welcome, offline from the first try, failed for good, ended), each in
 * the light theme, the dark theme and on a phone, with a screenshot and an axe scan of each kept as
 * test artifacts; and the rough edges the issue names (one bot identity, "ended" said once, the help
 * note in visitor words, one weight for initials, a visible dark panel, inline code in one box).
 *
 * The pages leave data-theme at "auto", so the dark runs are the visitor's own colour scheme.
 */
import type { Page, TestInfo } from '@playwright/test';
import { expect, test, Widget, wsChatTexts } from './fixtures';
import { axeScan, fullTwinConversation, keepScreenshot, TWIN_PAGE } from './helpers';

const WELCOME_PAGE = '/e2e/pages/welcome.html';
const GREETING = "Hi! I am the support team's assistant. Ask me anything, or pick a question below.";
const OFFLINE_TITLE = 'We are offline right now.';
const ENDED = 'This conversation has ended.';

const LAYOUTS = [
  { name: 'light', use: { viewport: { width: 1100, height: 860 }, colorScheme: 'light' } },
  { name: 'dark', use: { viewport: { width: 1100, height: 860 }, colorScheme: 'dark' } },
  { name: 'phone', use: { viewport: { width: 390, height: 844 }, colorScheme: 'light', hasTouch: true } },
] as const;

/** The screenshot and the axe scan of one state, kept with the test; no axe violation allowed. */
async function record(page: Page, testInfo: TestInfo, name: string) {
  // Reduced motion is on: the panel's entry is over, so the picture and the colours are final.
  await keepScreenshot(page, testInfo, name);
  expect(await axeScan(page, testInfo, name)).toEqual([]);
}

/** Texts shown in the dialog (not the screen reader's copies: those are 1px and clipped). */
const shown = (page: Page, text: string | RegExp) =>
  page
    .getByRole('dialog')
    .getByText(text)
    .filter({ visible: true })
    .evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().width > 1).length);

test.use({ serverOptions: { replyDelayMs: 50, wsChatProtocol: 'envelope' }, reducedMotion: 'reduce' });
// Several page states, screenshots and axe scans a test, on a machine other test runs share.
test.slow();

for (const layout of LAYOUTS) {
  test.describe(`${layout.name}`, () => {
    test.use(layout.use);

    test('welcome: the greeting first, the team in the header, suggestions until the first message; then the end', async ({
      page,
      backend,
    }, testInfo) => {
      await page.goto(`${backend.url}${WELCOME_PAGE}`);
      const widget = new Widget(page);
      await widget.open();

      // then: the greeting is the first bubble, from the team, with the suggestions under it
      const greeting = widget.log.locator('.bubble').first();
      await expect(greeting).toHaveText(GREETING);
      await expect(widget.dialog.getByText('Usually replies in minutes')).toBeVisible();
      const team = widget.dialog.locator('header img.avatar');
      // (the picture is fetched from the reference server, which a busy machine may serve late)
      await expect
        .poll(() => team.evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 60_000 })
        .toBeGreaterThan(0);
      const suggestions = widget.log.getByRole('group', { name: 'Suggested answers' });
      await expect(suggestions.getByRole('button')).toHaveText(['Where is my order?', 'Talk to a person']);
      // nothing to send yet: the send button says so
      await expect(widget.sendButton).toHaveAttribute('aria-disabled', 'true');
      await page.getByText('Online').waitFor();
      await record(page, testInfo, `welcome-${layout.name}`);

      // when: the visitor picks a suggestion
      await suggestions.getByRole('button', { name: 'Where is my order?' }).click();
      // then: it is the visitor's first message, answered; the greeting stays first, the suggestions go
      await expect(widget.log.getByText('You said: Where is my order?')).toBeVisible();
      await expect(suggestions).toHaveCount(0);
      await expect(widget.log.locator('.bubble').first()).toHaveText(GREETING);
      // the greeting was never sent: the server has the visitor's message only
      expect(wsChatTexts(backend)).toEqual(['Where is my order?']);
      await record(page, testInfo, `welcome-answered-${layout.name}`);

      // when: an operator takes over, then the conversation ends
      await widget.send('operator');
      await expect(widget.log.getByText('Hi, I am Anna. How can I help?')).toBeVisible();
      await expect(widget.dialog.getByText(/is answering/)).toBeVisible();
      await widget.send('end');
      // then: said once, nobody is answering any more, and a way to start again
      await expect(page.getByRole('button', { name: 'Start a new conversation' })).toBeVisible();
      expect(await shown(page, ENDED)).toBe(1);
      await expect(widget.dialog.getByText(/is answering/)).toHaveCount(0);
      await expect(widget.dialog.getByText('Usually replies in minutes')).toBeVisible();
      await record(page, testInfo, `ended-${layout.name}`);
    });

    test('offline from the first try: the body says so, the composer works, the message goes when back', async ({
      page,
      backend,
    }, testInfo) => {
      // setup: the widget's files are loaded (at idle), then the backend goes away before the first open
      await page.goto(`${backend.url}${WELCOME_PAGE}`);
      const loaded = () =>
        page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name.split('/').pop()));
      await expect.poll(loaded).toEqual(
        // The panel and the ws-chat transport come in one pack (build/classic-chunks.ts).
        expect.arrayContaining([expect.stringMatching(/^parley-pack-ws-chat-/)]),
      );
      await backend.stop();
      const widget = new Widget(page);

      // when
      await widget.open();
      // then: the header and the body both say it; the greeting is there, the body is not blank
      await expect(widget.dialog.locator('.status__text')).toHaveText('Reconnecting…');
      await expect(widget.dialog.getByText(OFFLINE_TITLE)).toBeVisible();
      await expect(widget.dialog.getByText(/it will be sent when we are back/)).toBeVisible();
      await expect(widget.log.getByText(GREETING)).toBeVisible();
      // The note is a card of its own inside the panel, set off from the log, not bare text at its edge.
      const note = await widget.dialog.locator('.offline').evaluate((el) => {
        const panel = el.closest('.panel')!;
        const [box, outer] = [el.getBoundingClientRect(), panel.getBoundingClientRect()];
        return {
          inset: Math.min(box.left - outer.left, outer.right - box.right),
          background: getComputedStyle(el).backgroundColor,
          panel: getComputedStyle(panel).backgroundColor,
          margins: [...el.querySelectorAll('p')].map((p) => getComputedStyle(p).marginTop),
        };
      });
      expect(note.inset).toBeGreaterThanOrEqual(8);
      expect(note.background).not.toBe(note.panel);
      expect(note.margins[0]).toBe('0px');

      // when: the visitor writes anyway
      await widget.send('Are you there?');
      // then: the message is in the log, waiting; the composer is free for the next one
      await expect(widget.message('Are you there?')).toBeVisible();
      await expect(widget.composer).toHaveValue('');
      await expect(widget.composer).toBeEditable();
      await record(page, testInfo, `offline-${layout.name}`);

      // when: the backend is back
      await backend.restart();
      // then: the message goes once, the note goes, the conversation is live (the next attempt may
      // be up to the widget's 30 s backoff cap away: the scans above took a while on a busy machine)
      await expect(widget.log.getByText('You said: Are you there?')).toBeVisible({ timeout: 60_000 });
      await expect(widget.dialog.getByText(OFFLINE_TITLE)).toHaveCount(0);
      await expect(widget.dialog.locator('.status__text')).toHaveText('Online');
      expect(wsChatTexts(backend)).toEqual(['Are you there?']);
    });

    test('failed for good: the reason as text, a way to try again', async ({ page, backend }, testInfo) => {
      await page.goto(`${backend.url}/e2e/pages/welcome-failed.html`);
      const widget = new Widget(page);
      await widget.open();
      await expect(widget.dialog.locator('.status__text')).toHaveText(
        'Connection failed: `No FSM found with name nosuch`',
      );
      await expect(widget.dialog.getByRole('button', { name: 'Try again' })).toBeVisible();
      await expect(widget.log.getByText('Hi! Ask us anything.')).toBeVisible();
      // The body promises nothing that will not happen by itself.
      await expect(widget.dialog.getByText('We cannot connect right now.')).toBeVisible();
      await expect(widget.dialog.getByText(/when we are back/)).toHaveCount(0);
      // A long reason wraps beside the status dot, which stays on the text's first line.
      const status = await widget.dialog.locator('.status').evaluate((el) => {
        const [dot, text] = [el.querySelector('.status__dot')!, el.querySelector('.status__text')!];
        const [d, t] = [dot.getBoundingClientRect(), text.getBoundingClientRect()];
        const line = Number.parseFloat(getComputedStyle(text).lineHeight);
        return { beside: d.right <= t.left, offset: d.top + d.height / 2 - (t.top + line / 2), line };
      });
      expect(status.beside).toBe(true);
      expect(Math.abs(status.offset)).toBeLessThan(status.line / 2);
      await record(page, testInfo, `failed-${layout.name}`);
    });
  });
}

test('TWIN: one bot identity, the help request in visitor words, "ended" once and nobody answering after', async ({
  page,
  backend,
}, testInfo) => {
  await page.goto(`${backend.url}${TWIN_PAGE}`);
  const widget = new Widget(page);
  await widget.open();
  await fullTwinConversation(widget);
  await expect(page.getByText('Anna is answering')).toBeVisible();

  // The help request reads as a note to the visitor, not an operator's label.
  await expect(widget.log.getByText('Calling a team member for you')).toBeVisible();
  await expect(widget.log.getByText(/asks for help/i)).toHaveCount(0);
  // Every bot message goes under one name and one picture (the greeting came before the bot's name).
  const bot = await widget.log.locator('.msg--bot').evaluateAll((rows) => ({
    names: [...new Set(rows.map((r) => r.querySelector('.msg__name')?.textContent).filter(Boolean))],
    pictures: [
      ...new Set(rows.map((r) => r.querySelector('img.avatar')?.getAttribute('src')).filter(Boolean)),
    ],
  }));
  expect(bot.names).toEqual(['TWIN bot']);
  expect(bot.pictures).toHaveLength(1);

  await widget.send('stop');
  await expect(page.getByRole('button', { name: 'Start a new conversation' })).toBeVisible();
  expect(await shown(page, ENDED)).toBe(1);
  await expect(page.getByText(/is answering/)).toHaveCount(0);
  await expect(widget.dialog.locator('.status__text')).not.toHaveText(/Anna/);
  await record(page, testInfo, 'twin-ended');
});

for (const scheme of ['light', 'dark'] as const) {
  test.describe(() => {
    test.use({ colorScheme: scheme, viewport: { width: 1100, height: 860 } });

    test(`initials: one weight in the header and the log (${scheme})`, async ({ page, backend }) => {
      await page.goto(`${backend.url}/demo.html`);
      const widget = new Widget(page);
      await widget.open();
      await widget.send('hello');
      await expect(widget.log.getByText('You said: hello')).toBeVisible();
      await widget.send('operator');
      await expect(widget.log.getByText('Hi, I am Anna. How can I help?')).toBeVisible();
      await expect(widget.dialog.locator('header .avatar')).toBeVisible();
      // Initials (avatars without a picture): the bot's and the operator's, small and medium.
      const looks = await widget.dialog.locator('span.avatar').evaluateAll((spans) =>
        spans.map((s) => {
          const c = getComputedStyle(s);
          return {
            size: s.className.match(/avatar--(small|medium)/)?.[1],
            weight: c.fontWeight,
            style: c.fontStyle,
          };
        }),
      );
      expect(new Set(looks.map((l) => l.size))).toEqual(new Set(['small', 'medium']));
      expect(looks.length).toBeGreaterThanOrEqual(3);
      expect(new Set(looks.map((l) => `${l.weight} ${l.style}`))).toEqual(new Set(['600 normal']));
    });
  });
}

test.describe(() => {
  test.use({ colorScheme: 'dark', viewport: { width: 1100, height: 860 } });

  test('dark: the panel keeps a visible edge and a halo on a dark page', async ({ page, backend }) => {
    await page.goto(`${backend.url}${WELCOME_PAGE}`);
    const widget = new Widget(page);
    await widget.open();
    const look = await widget.dialog.evaluate((panel) => {
      const c = getComputedStyle(panel);
      const page = getComputedStyle(document.body).backgroundColor;
      return {
        border: c.borderTopColor,
        width: c.borderTopWidth,
        bg: c.backgroundColor,
        page,
        shadow: c.boxShadow,
      };
    });
    // WCAG's contrast ratio of two colours, from their sRGB channels
    const luminance = (rgb: string) => {
      const [r, g, b] = rgb
        .match(/\d+(\.\d+)?/g)!
        .slice(0, 3)
        .map((v) => Number(v) / 255);
      const lin = (v: number) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
    };
    const contrast = (a: string, b: string) => {
      const [x, y] = [luminance(a), luminance(b)].sort((m, n) => n - m);
      return (x! + 0.05) / (y! + 0.05);
    };
    expect(look.page).toBe('rgb(13, 16, 23)');
    expect(look.width).toBe('1px');
    expect(look.border).not.toMatch(/rgba\(\d+, \d+, \d+, 0\)|transparent/);
    // The edge stands out from the page around it and from the panel inside it.
    expect(contrast(look.border, look.page)).toBeGreaterThan(1.5);
    expect(contrast(look.border, look.bg)).toBeGreaterThan(1.5);
    // And one of the shadows is light: a dark shadow alone vanishes on a dark page.
    const shadows = look.shadow.split(/,(?![^(]*\))/).map((s) => s.match(/rgba?\([^)]*\)/)?.[0] ?? '');
    expect(shadows.some((s) => s && luminance(s) > luminance(look.bg) * 4)).toBe(true);
  });
});

for (const layout of [LAYOUTS[0], LAYOUTS[2]]) {
  test.describe(() => {
    test.use(layout.use);

    test(`inline code stays in one box where the line breaks (${layout.name})`, async ({ page, backend }) => {
      await page.goto(`${backend.url}/demo.html`);
      const widget = new Widget(page);
      await widget.open();
      // Many code spans of different lengths in one bubble: lines break in many places among them.
      const spans = Array.from({ length: 24 }, (_, i) => `\`npm run ${'x'.repeat(i % 7)} step ${i}\``);
      await widget.send(`echo ${spans.join(' then ')}`);
      const bubble = widget.log.locator('.msg--in .bubble', { hasText: 'step 23' });
      await expect(bubble.locator('code')).toHaveCount(24);
      const boxes = await bubble.evaluate((b) => ({
        lines: Math.round(
          b.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(b).lineHeight),
        ),
        rects: [...b.querySelectorAll('code')].map((c) => c.getClientRects().length),
      }));
      expect(boxes.lines).toBeGreaterThan(6);
      expect(boxes.rects).toEqual(Array(24).fill(1));
    });
  });
}
