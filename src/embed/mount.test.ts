import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from './config';
import { mount, ParleyOptionsError } from './mount';
import { asOptionMessage, optionsToDataset, type ParleyOptions } from './options';

/** Every option, with a valid value: each must be one the attribute parser knows. */
const EVERY_OPTION: Required<ParleyOptions> = {
  transport: 'ws-chat',
  server: 'https://chat.example.com',
  title: 'Support',
  lang: 'ru',
  theme: 'dark',
  position: 'left',
  open: true,
  target: '#chat',
  accent: '#0b57d0',
  titleBadge: true,
  sound: false,
  maxUploadMb: 5,
  accept: 'image/*',
  welcome: 'Hi',
  avatar: 'https://example.com/a.png',
  subtitle: 'We answer fast',
  suggestions: ['Where is my order?'],
  userId: '42',
  userHash: 'a'.repeat(64),
  channel: 'WEB',
  name: 'Ann',
  channelId: 'shop',
  protocol: 'envelope',
  email: 'ann@example.com',
  phone: '+44 20 7946 0000',
  metadata: { plan: 'pro', seats: 3 },
  chatId: 'chat-1',
  messagesServer: 'https://messages.example.com',
  socketPath: '/operator/socket.io/',
  eio: 4,
  clientId: 'user_1',
  operatorEvent: 'operator',
  channelPath: '/chat/{id}',
  to: '/service/acme/bot',
  subject: 'chat',
  tokenUrl: '/api/chat-token',
  fsm: 'my_fsm',
  senderId: 'user_42',
  token: 'abc',
};

afterEach(() => vi.restoreAllMocks());

describe('options as attributes', () => {
  it('writes booleans, numbers, lists and objects the way the attributes spell them', () => {
    expect(
      optionsToDataset({
        transport: 'twin',
        open: true,
        maxUploadMb: 5,
        eio: 4,
        suggestions: ['a', 'b'],
        metadata: { plan: 'pro' },
        title: undefined,
      }),
    ).toEqual({
      transport: 'twin',
      open: 'true',
      maxUploadMb: '5',
      eio: '4',
      suggestions: '["a","b"]',
      metadata: '{"plan":"pro"}',
    });
  });

  it('knows every option the types offer (no "not a Parley attribute" warning)', () => {
    const result = parseConfig(optionsToDataset(EVERY_OPTION), 'https://shop.example.com/');
    expect(result.warnings.filter((w) => w.includes('not a Parley attribute'))).toEqual([]);
  });

  it('words attribute messages for options', () => {
    expect(asOptionMessage('data-chat-id="x y" is not a chat id. Example: data-chat-id="3eb5cf6d"')).toBe(
      'chatId: "x y" is not a chat id. Example: chatId: "3eb5cf6d"',
    );
    expect(asOptionMessage('data-user-hash needs data-user-id: the hash signs that id')).toBe(
      'userHash needs userId: the hash signs that id',
    );
    expect(
      asOptionMessage('data-colour is not a Parley attribute and is ignored (check its spelling).'),
    ).toBe('colour is not a Parley option and is ignored (check its spelling).');
  });
});

describe('mount()', () => {
  it('refuses wrong options with the attribute checks, one problem each, named as options', () => {
    const thrown = (() => {
      try {
        mount({ transport: 'ws-chat', server: 'ftp://example.com', theme: 'pink' as 'dark' });
      } catch (err) {
        return err;
      }
    })();
    expect(thrown).toBeInstanceOf(ParleyOptionsError);
    expect((thrown as ParleyOptionsError).problems).toEqual([
      'server: "ftp://example.com" is not an http(s) URL. Example: server: "https://chat.example.com"',
      'theme: "pink" is not one of auto, light, dark. Example: theme: "dark"',
    ]);
    expect(document.querySelector('[data-parley]')).toBeNull();
  });

  it('says which required option is missing', () => {
    expect(() => mount({} as ParleyOptions)).toThrow('transport is missing. Example: transport: "ws-chat"');
  });

  it('refuses a target that is neither an element nor the id of one', () => {
    const options = { transport: 'ws-chat', server: 'https://chat.example.com' } as const;
    expect(() => mount({ ...options, target: '#nowhere' })).toThrow(
      'target: "#nowhere" matches no element; add <div id="nowhere"></div> or leave target out',
    );
    expect(() => mount({ ...options, target: {} as HTMLElement })).toThrow('target: is not an element');
    expect(document.querySelector('[data-parley]')).toBeNull();
  });

  it('warns once, in the console, about an option it does not know', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(() =>
      mount({ transport: 'ws-chat', server: 'ftp://x', colour: 'red' } as unknown as ParleyOptions),
    ).toThrow(ParleyOptionsError);
    expect(warn.mock.calls).toEqual([
      ['[parley]', 'colour is not a Parley option and is ignored (check its spelling).'],
    ]);
  });
});
