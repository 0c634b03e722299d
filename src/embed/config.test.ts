import { describe, expect, it } from 'vitest';
import { attr, parseConfig, parseMetadata } from './config';

const base = { transport: 'ws-chat', server: 'http://127.0.0.1:8080' };

describe('parseConfig: good attributes', () => {
  it.each([
    [
      'defaults',
      {},
      {
        transport: 'ws-chat',
        server: 'http://127.0.0.1:8080',
        theme: 'auto',
        position: 'right',
        open: false,
        channel: 'WEB',
        lang: 'auto',
      },
    ],
    [
      'left, dark, open',
      { position: 'left', theme: 'dark', open: 'true' },
      { position: 'left', theme: 'dark', open: true },
    ],
    ['another channel and a name', { channel: 'APP', name: 'Ann' }, { channel: 'APP', name: 'Ann' }],
    ['a language', { lang: 'zh-CN' }, { lang: 'zh-CN' }],
    ['inline target', { target: '#chat' }, { target: '#chat' }],
    ['accent colour', { accent: '#0B57D0' }, { accent: '#0B57D0' }],
    [
      'https server',
      { server: 'https://chat.example.com/base/' },
      { server: 'https://chat.example.com/base' },
    ],
  ])('%s', (_name, extra, expected) => {
    const result = parseConfig({ ...base, ...extra });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.config).toMatchObject(expected);
  });

  it('reads the ws-chat generation and the visitor details, auto by default', () => {
    const auto = parseConfig(base);
    expect(auto.ok && auto.config.protocol).toBe('auto');
    const r = parseConfig({
      ...base,
      protocol: 'envelope',
      email: 'ann@example.com',
      phone: '+44 20 7946 0000',
      metadata: '{"plan":"pro","seats":3}',
    });
    expect(r.ok && r.config).toMatchObject({
      protocol: 'envelope',
      email: 'ann@example.com',
      phone: '+44 20 7946 0000',
      metadata: { plan: 'pro', seats: '3' },
    });
    const bad = parseConfig({ ...base, protocol: 'json', email: 'nope', phone: 'call me' });
    expect(!bad.ok && bad.errors).toEqual([
      'data-protocol="json" is not one of auto, envelope, flat. Example: data-protocol="envelope"',
      'data-email="nope" is not an e-mail address. Example: data-email="ann@example.com"',
      'data-phone="call me" is not a phone number. Example: data-phone="+44 20 7946 0000"',
    ]);
  });

  it('resolves a relative server against the page', () => {
    const result = parseConfig({ ...base, server: '/' }, 'https://shop.example.com/page');
    expect(result.ok && result.config.server).toBe('https://shop.example.com');
  });

  it('reads the TWIN attributes', () => {
    const result = parseConfig({
      transport: 'twin',
      server: 'https://tcl.example.com',
      chatId: '3eb5cf6d-4d20-41c2-b886-f60374d11d19',
      messagesServer: 'https://chats-api.example.com',
      eio: '4',
      socketPath: '/custom/socket.io',
      metadata: '{"plan":"pro","seats":3}',
      clientId: 'ext-1',
    });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.config).toMatchObject({
        chatId: '3eb5cf6d-4d20-41c2-b886-f60374d11d19',
        messagesServer: 'https://chats-api.example.com',
        eio: 4,
        socketPath: '/custom/socket.io/',
        metadata: { plan: 'pro', seats: '3' },
        clientId: 'ext-1',
      });
    }
  });

  it('reads the nchan attributes, with /chat/{id} as the default channel path', () => {
    const nchan = { transport: 'nchan', server: 'https://chat.example.com/push' };
    const plain = parseConfig(nchan);
    expect(plain.ok && plain.config).toMatchObject({
      channelPath: '/chat/{id}',
      server: 'https://chat.example.com/push',
    });
    expect(plain.ok && plain.config.tokenUrl).toBeUndefined();
    const full = parseConfig(
      { ...nchan, channelPath: '/single/{id}', tokenUrl: '/api/chat-token' },
      'https://shop.example.com/page',
    );
    expect(full.ok && full.config).toMatchObject({
      channelPath: '/single/{id}',
      tokenUrl: 'https://shop.example.com/api/chat-token',
    });
    const slash = parseConfig({ ...nchan, tokenUrl: 'https://shop.example.com/chat/token/' });
    expect(slash.ok && slash.config.tokenUrl).toBe('https://shop.example.com/chat/token/');
  });
});

describe('parseConfig: postoffice', () => {
  const po = { transport: 'postoffice', server: 'wss://router.example.com/ws/', to: '/service/acme/bot' };

  it('reads the router URL as written (ws or http), the mailboxes, the subject and the token URL', () => {
    const result = parseConfig(
      {
        ...po,
        clientId: 'user_123456',
        subject: 'Support',
        tokenUrl: '/api/chat-token',
      },
      'https://shop.example.com/page',
    );
    expect(result.ok && result.config).toMatchObject({
      transport: 'postoffice',
      server: 'wss://router.example.com/ws/',
      to: '/service/acme/bot',
      clientId: 'user_123456',
      subject: 'Support',
      tokenUrl: 'https://shop.example.com/api/chat-token',
    });
    const http = parseConfig({ ...po, server: 'https://router.example.com/' });
    expect(http.ok && http.config.server).toBe('https://router.example.com/');
  });

  it('defaults the subject to chat and leaves the visitor mailbox to the adapter', () => {
    const result = parseConfig(po);
    expect(result.ok && result.config.subject).toBe('chat');
    expect(result.ok && result.config.clientId).toBeUndefined();
    expect(result.ok && result.config.tokenUrl).toBeUndefined();
  });

  it.each([
    [{ to: undefined }, 'data-to is missing. Example: data-to="/service/acme/support_bot"'],
    [{ to: 'two words' }, 'data-to="two words" is not a mailbox address'],
    [{ clientId: 'a&b=c' }, 'data-client-id="a&b=c" is not a mailbox address'],
    [
      { server: 'ftp://router.example.com' },
      'data-server="ftp://router.example.com" is not a ws(s) or http(s) URL',
    ],
    [{ tokenUrl: 'javascript:alert(1)' }, 'data-token-url="javascript:alert(1)" is not an http(s) URL'],
  ])('one error line for %o', (extra, message) => {
    const result = parseConfig({ ...po, ...extra });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual([expect.stringContaining(message)]);
  });

  it('a ws: router on an https: page is mixed content: one error, with the wss form', () => {
    const result = parseConfig({ ...po, server: 'ws://router.example.com/ws' }, 'https://shop.example/');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual([expect.stringContaining('use wss://router.example.com')]);
  });

  it('keeps ws servers out of the other transports', () => {
    expect(parseConfig({ ...base, server: 'wss://chat.example.com' }).ok).toBe(false);
  });
});

describe('parseConfig: bad attributes', () => {
  it.each([
    [
      'unknown transport',
      { transport: 'carrier-pigeon' },
      'data-transport="carrier-pigeon" is not one of ws-chat, twin, nchan, postoffice, chatfaq. Example: data-transport="ws-chat"',
    ],
    [
      'missing transport',
      { transport: undefined },
      'data-transport is missing. Example: data-transport="ws-chat"',
    ],
    [
      'missing server',
      { server: undefined },
      'data-server is missing. Example: data-server="https://chat.example.com"',
    ],
    [
      'javascript: server',
      { server: 'javascript:alert(1)' },
      'data-server="javascript:alert(1)" is not an http(s) URL',
    ],
    [
      'bad position',
      { position: 'top' },
      'data-position="top" is not one of right, left. Example: data-position="left"',
    ],
    ['bad theme', { theme: 'blue' }, 'data-theme="blue" is not one of auto, light, dark'],
    ['bad boolean', { open: 'yes' }, 'data-open="yes" must be true or false. Example: data-open="true"'],
    ['bad channel', { channel: 'web' }, 'data-channel="web" is not one of WEB, WECHAT'],
    [
      'bad target',
      { target: '.chat' },
      'data-target=".chat" must be an element id. Example: data-target="#chat"',
    ],
    ['bad accent', { accent: 'red' }, 'data-accent="red" is not a hex colour'],
    ['bad lang', { lang: 'english please' }, 'data-lang="english please" is not a language tag'],
    [
      'twin without chat id',
      { transport: 'twin' },
      'data-chat-id is missing. Example: data-chat-id="3eb5cf6d-4d20-41c2-b886-f60374d11d19"',
    ],
    ['twin with bad eio', { transport: 'twin', chatId: 'demo', eio: '5' }, 'data-eio="5" must be 3'],
    ['chatfaq without an FSM', { transport: 'chatfaq' }, 'data-fsm is missing. Example: data-fsm="my_fsm"'],
    [
      'chatfaq with a bad FSM name',
      { transport: 'chatfaq', fsm: 'a/b' },
      'data-fsm="a/b" is not an FSM name',
    ],
    [
      'chatfaq with a bad sender id',
      { transport: 'chatfaq', fsm: 'demo', senderId: 'a b' },
      'data-sender-id="a b" may hold only letters, digits, _ and -',
    ],
    [
      'chatfaq with bad metadata',
      { transport: 'chatfaq', fsm: 'demo', metadata: '[1]' },
      'data-metadata="[1]" is not a JSON object of strings',
    ],
    [
      'nchan path without {id}',
      { transport: 'nchan', channelPath: '/chat' },
      'data-channel-path="/chat" must be',
    ],
    ['nchan path with a query', { transport: 'nchan', channelPath: '/c/{id}?x=1' }, 'holding {id} once'],
    [
      'nchan token url not http',
      { transport: 'nchan', tokenUrl: 'javascript:alert(1)' },
      'data-token-url="javascript',
    ],
    [
      'twin with bad metadata',
      { transport: 'twin', chatId: 'demo', metadata: '{plan:pro}' },
      'data-metadata="{plan:pro}" is not a JSON object of strings',
    ],
  ])('%s', (_name, extra, message) => {
    const result = parseConfig({ ...base, ...extra });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]).toContain(message);
    }
  });

  it('reads the chatfaq attributes', () => {
    const result = parseConfig({
      transport: 'chatfaq',
      server: 'https://bot.example.com',
      fsm: 'support_fsm',
      senderId: 'user-42',
      token: 'abc.def',
      metadata: '{"plan":"pro"}',
    });
    expect(result.ok && result.config).toMatchObject({
      transport: 'chatfaq',
      fsm: 'support_fsm',
      senderId: 'user-42',
      token: 'abc.def',
      metadata: { plan: 'pro' },
    });
  });

  it('refuses an unusable token without printing it', () => {
    const result = parseConfig({ ...base, transport: 'chatfaq', fsm: 'demo', token: 'secret with spaces' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]).toContain('data-token is not a usable token');
      expect(result.errors[0]).not.toContain('secret');
    }
  });

  it('warns about unknown attributes and still starts', () => {
    const result = parseConfig({ ...base, postion: 'left' });
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      'data-postion is not a Parley attribute and is ignored (check its spelling).',
    ]);
  });
});

describe('helpers', () => {
  it('names attributes as the page spells them', () => {
    expect(attr('chatId')).toBe('data-chat-id');
    expect(attr('maxUploadMb')).toBe('data-max-upload-mb');
  });

  it('accepts only flat JSON objects as metadata', () => {
    expect(parseMetadata('{"a":"b","n":1,"t":true}')).toEqual({ a: 'b', n: '1', t: 'true' });
    expect(parseMetadata('[1]')).toBeNull();
    expect(parseMetadata('{"a":{"b":1}}')).toBeNull();
    expect(parseMetadata('nope')).toBeNull();
  });
});

describe('parseConfig: settings that cannot work say so (issue 8)', () => {
  const page = 'https://shop.example/checkout';

  it.each([
    ['data-server', { server: 'https://admin:s3cret@chat.example.com' }],
    ['data-server', { server: 'https://token@chat.example.com' }],
    [
      'data-messages-server',
      { transport: 'twin', chatId: 'demo', messagesServer: 'https://u:p@api.example.com' },
    ],
  ])('credentials in %s: one error naming it, without repeating the secret', (name, extra) => {
    const result = parseConfig({ ...base, ...extra }, page);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toContain(`${name} holds a user name or password`);
    expect(result.errors[0]).not.toMatch(/s3cret|admin|token@|u:p/);
  });

  it.each([
    ['data-server', { server: 'http://chat.example.com' }],
    ['data-messages-server', { transport: 'twin', chatId: 'demo', messagesServer: 'http://api.example.com' }],
  ])(
    'an http: %s on an https: page is blocked by the browser: one error, with the https form',
    (name, extra) => {
      const result = parseConfig({ ...base, server: 'https://chat.example.com', ...extra }, page);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors).toEqual([expect.stringContaining(`${name}="http://`)]);
      expect(result.errors[0]).toContain('https:');
    },
  );

  it('http: is fine from an http: page, and to this machine from an https: page', () => {
    expect(parseConfig({ ...base, server: 'http://chat.example.com' }, 'http://shop.example/').ok).toBe(true);
    expect(parseConfig({ ...base, server: 'http://127.0.0.1:8080' }, page).ok).toBe(true);
    expect(parseConfig({ ...base, server: 'http://localhost:8080' }, page).ok).toBe(true);
  });
});

describe('data-server without a scheme', () => {
  it('warns once, naming the fix, when it looks like a host name', () => {
    const result = parseConfig(
      { transport: 'ws-chat', server: 'chat.example.com' },
      'https://shop.example/page',
    );
    expect(result.ok).toBe(true);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toContain('data-server="chat.example.com" has no scheme');
    expect(result.warnings[0]).toContain('data-server="https://chat.example.com"');
  });

  it('stays quiet for a path on the page’s own site and for full URLs', () => {
    for (const server of ['/chat', 'https://chat.example.com', '//chat.example.com']) {
      expect(parseConfig({ transport: 'ws-chat', server }, 'https://shop.example/page').warnings).toEqual([]);
    }
  });
});

describe('the welcome state attributes (issue 15)', () => {
  it('reads the greeting, avatar, subtitle and suggestions', () => {
    const result = parseConfig(
      {
        ...base,
        welcome: ' Hi! Ask us anything. ',
        avatar: '/team.png',
        subtitle: 'Usually replies in minutes',
        suggestions: '["Where is my order?", "Talk to a person"]',
      },
      'https://shop.example.com/page',
    );
    expect(result.ok && result.config).toMatchObject({
      welcome: 'Hi! Ask us anything.',
      avatar: 'https://shop.example.com/team.png',
      subtitle: 'Usually replies in minutes',
      suggestions: ['Where is my order?', 'Talk to a person'],
    });
  });

  it.each([
    ['suggestions', 'Where is my order?', 'is not a JSON list'],
    ['suggestions', '[]', 'is not a JSON list'],
    ['suggestions', '["ok", 3]', 'is not a JSON list'],
    ['suggestions', JSON.stringify(Array(11).fill('x')), 'is not a JSON list'],
    ['avatar', 'javascript:alert(1)', 'is not an http(s) URL'],
    ['subtitle', 'x'.repeat(101), 'is longer than 100 characters'],
    ['welcome', 'x'.repeat(1001), 'is longer than 1000 characters'],
  ])('data-%s="%s" is one error line naming the attribute and the fix', (key, value, message) => {
    const result = parseConfig({ ...base, [key]: value });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toContain(`data-${key}=`);
    expect(result.errors[0]).toContain(message);
    expect(result.errors[0]).toMatch(/Example: data-/);
  });
});
