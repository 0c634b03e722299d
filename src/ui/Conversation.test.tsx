import { act, cleanup, fireEvent, screen, within } from '@testing-library/preact';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmulatorAdapter, type EmulatorOptions } from '../transports/emulator/adapter';
import { loadAllParts } from './on-demand';
import { type MountOptions, mountWidget } from './test-helpers';

// What files and the viewer show, not how their code arrives (e2e/chunks.spec.ts holds that).
beforeAll(loadAllParts);

const setup = (o: MountOptions & { emulator?: EmulatorOptions } = {}) =>
  mountWidget(new EmulatorAdapter(o.emulator), o);

afterEach(cleanup);

function open(o: Parameters<typeof setup>[0] = {}) {
  const env = setup(o);
  fireEvent.click(screen.getByRole('button', { name: o.lang === 'zh' ? '打开聊天' : 'Open chat' }));
  return { ...env, log: screen.getByRole('log'), dialog: screen.getByRole('dialog') };
}

describe('typing indicator', () => {
  it('announces who is typing in a polite status region that exists beforehand', () => {
    const { transport, dialog } = open();
    const region = dialog.querySelector('.typing')!;
    expect(region.getAttribute('role')).toBe('status');
    expect(region.textContent).toBe('');
    act(() => transport.typing(true, 'Bot'));
    expect(region.textContent).toContain('Bot is typing…');
    act(() => void transport.receive({ text: 'done' }));
    expect(region.textContent).toBe('');
  });
});

describe('operators', () => {
  it('shows who is answering in the header, and their name and avatar on their messages', () => {
    const { transport, log, dialog } = open();
    const anna = {
      kind: 'operator' as const,
      id: 'a',
      name: 'Anna',
      avatarUrl: 'https://cdn.example.com/anna.png',
    };
    act(() => transport.operator({ operator: anna }));
    act(() => void transport.receive({ text: 'Hi, Anna here', author: anna }));
    const header = dialog.querySelector('header')!;
    expect(within(header).getByText('Anna is answering')).toBeTruthy();
    const msg = within(log).getByText('Hi, Anna here').closest('.msg') as HTMLElement;
    expect(within(msg).getByText('Anna')).toBeTruthy();
    expect(msg.querySelector('img.avatar')?.getAttribute('src')).toBe('https://cdn.example.com/anna.png');
  });

  it('uses initials when the avatar URL is not safe', () => {
    const { transport, log } = open();
    act(
      () =>
        void transport.receive({
          text: 'hello',
          author: { kind: 'operator', name: 'Boris Petrov', avatarUrl: 'javascript:alert(1)' },
        }),
    );
    expect(log.querySelector('img')).toBeNull();
    expect(log.querySelector('.avatar')?.textContent).toBe('BP');
  });
});

describe('help requests', () => {
  it('marks a HELP message as a request for help', () => {
    const { transport, log } = open();
    act(() => void transport.receive({ text: 'Can a human help?', kind: 'help' }));
    const msg = within(log).getByText('Can a human help?').closest('.msg')!;
    expect(msg.className).toContain('msg--help');
    expect(within(msg as HTMLElement).getByText('Calling a team member for you')).toBeTruthy();
  });
});

describe('session ended', () => {
  it('replaces the composer with a notice and a button that starts a new conversation', () => {
    const { transport, log, store } = open();
    const box = screen.getByRole('textbox', { name: 'Message' });
    expect(document.activeElement).toBe(box);
    act(() => transport.endSession());
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();
    expect(within(log).getByText('This conversation has ended.')).toBeTruthy();
    const again = screen.getByRole('button', { name: 'Start a new conversation' });
    expect(document.activeElement).toBe(again); // focus followed the visitor
    fireEvent.click(again);
    expect(store.ended.value).toBe(false);
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Message' }));
  });
});

describe('date separators and times', () => {
  it('separates days with Today / Yesterday / a date', () => {
    const { transport, log } = open();
    const now = Date.now();
    act(() => {
      transport.receive({ text: 'old', at: new Date(2020, 2, 3, 12).getTime() });
      transport.receive({ text: 'yesterday', at: now - 86_400_000 });
      transport.receive({ text: 'today', at: now });
    });
    const days = [...log.querySelectorAll('.day')].map((d) => d.textContent);
    expect(days).toEqual(['March 3, 2020', 'Yesterday', 'Today']);
  });

  it('writes times and days in the widget language', () => {
    const { transport, log } = open({ lang: 'zh' });
    act(() => void transport.receive({ text: '你好', at: new Date(2020, 2, 3, 14, 5).getTime() }));
    expect(log.querySelector('.day')?.textContent).toBe('2020年3月3日');
    expect(log.querySelector('time')?.textContent).toMatch(/14:05|下午2:05/);
  });
});

describe('rich text in messages', () => {
  it('renders bold, italic, code and line breaks as elements', () => {
    const { transport, log } = open();
    act(() => void transport.receive({ text: '**Hi** _there_\nuse `npm test`' }));
    const bubble = log.querySelector('.bubble')!;
    expect(bubble.querySelector('strong')?.textContent).toBe('Hi');
    expect(bubble.querySelector('em')?.textContent).toBe('there');
    expect(bubble.querySelector('code')?.textContent).toBe('npm test');
    expect(bubble.querySelector('br')).not.toBeNull();
  });

  it.each([
    '<img src=x onerror=alert(1)>',
    '[x](javascript:alert(1))',
    'java\tscript:alert(1)',
    'dangerouslySetInnerHTML={{ __html: "<b>x</b>" }}',
    '<a href="javascript:alert(1)">click</a>',
  ])('shows %j literally and creates nothing from it', (text) => {
    const { transport, log } = open();
    act(() => void transport.receive({ text }));
    const bubble = log.querySelector('.bubble')!;
    expect(bubble.textContent).toBe(text);
    expect(bubble.querySelector('img, a, b, script')).toBeNull();
  });
});

describe('themes', () => {
  it('puts the theme and position on the internal root', () => {
    const { container } = setup({ options: { theme: 'dark', position: 'left' } });
    const root = container.querySelector('.parley') as HTMLElement;
    expect(root.dataset.theme).toBe('dark');
    expect(root.dataset.position).toBe('left');
    expect(container.querySelector('[style]')).toBeNull();
  });
});

describe('right-to-left override spoofing (issue 8)', () => {
  const RLO = '\u202E';

  it('names, link texts and file names show the control; the message body keeps it, with dir="auto"', () => {
    const { transport, log, dialog } = open();
    const bank = { kind: 'operator' as const, id: 'b', name: `Bank ${RLO}troppus` };
    act(() => transport.operator({ operator: bank }));
    act(
      () =>
        void transport.receive({
          text: `Your invoice: https://example.com/invoice${RLO}fdp.exe (مرحبا ${RLO}body)`,
          author: bank,
          attachments: [{ name: `invoice${RLO}fdp.exe`, url: 'https://example.com/f/1' }],
        }),
    );
    const shownText = (el: Element) => el.textContent ?? '';
    const name = log.querySelector('.msg__name')!;
    expect(shownText(name)).toBe('Bank \uFFFDtroppus');
    expect(shownText(dialog.querySelector('header')!)).not.toContain(RLO);
    expect(shownText(log.querySelector('.notice')!)).not.toContain(RLO);
    const link = within(log).getByRole('link', { name: /example\.com/ });
    expect(shownText(link)).toBe('https://example.com/invoice\uFFFDfdp.exe');
    const file = log.querySelector('.file')!;
    expect(shownText(file)).toContain('invoice\uFFFDfdp.exe');
    expect(file.getAttribute('download')).toBe('invoice\uFFFDfdp.exe');
    expect(file.getAttribute('aria-label')).not.toContain(RLO);
    const bubble = log.querySelector('.bubble')!;
    expect(bubble.getAttribute('dir')).toBe('auto');
    expect(shownText(bubble)).toContain(`مرحبا ${RLO}body`);
  });

  it("an image's name shows the control on its thumbnail and in the viewer", async () => {
    const { transport, log } = open();
    const name = `holiday${RLO}gpj.exe`;
    act(
      () =>
        void transport.receive({
          text: 'photos',
          attachments: [{ name, url: 'https://example.com/i/1', contentType: 'image/png' }],
        }),
    );
    const thumb = within(log).getByRole('button', { name: /Open image/ });
    expect(thumb.getAttribute('aria-label')).toBe('Open image: holiday\uFFFDgpj.exe');
    fireEvent.click(thumb);
    const viewer = await screen.findByRole('dialog', { name: /holiday/ });
    expect(viewer.getAttribute('aria-label')).not.toContain(RLO);
    expect(viewer.querySelector('img')?.getAttribute('alt')).toBe('holiday\uFFFDgpj.exe');
    expect(viewer.querySelector('a[download]')?.getAttribute('download')).toBe('holiday\uFFFDgpj.exe');
  });
});

describe('markup stays text in every field (issue 8 regression)', () => {
  it('names, file names, answers, link texts and notices create no elements', () => {
    const { transport, dialog } = open();
    const markup = '<img src=x onerror=alert(1)><script>alert(2)</script><b>b</b><iframe src=javascript:1>';
    const evil = { kind: 'operator' as const, id: 'e', name: markup, avatarUrl: `javascript:${markup}` };
    act(() => transport.operator({ operator: evil }));
    act(
      () =>
        void transport.receive({
          text: `${markup} https://example.com/${encodeURIComponent(markup)}`,
          author: evil,
          answers: [{ text: markup }],
          attachments: [{ name: markup, url: `https://example.com/f/${encodeURIComponent(markup)}` }],
        }),
    );
    expect(dialog.querySelector('script, iframe, b, img[src="x"], [onerror]')).toBeNull();
    expect(dialog.textContent).toContain(markup);
    for (const a of dialog.querySelectorAll('a'))
      expect(a.getAttribute('href')).toMatch(/^https:\/\/example\.com\//);
  });
});
