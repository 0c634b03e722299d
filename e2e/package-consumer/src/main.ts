/**
 * How a site uses the package: two widgets with their own handles, typed options and events, the
 * error for a wrong option, and the `window.Parley` type. The @ts-expect-error lines prove that the
 * types check something: if they were `any`, tsc would report the directive as unused.
 */
import {
  mount,
  type Parley,
  type ParleyMessage,
  type ParleyOptions,
  ParleyOptionsError,
  version,
} from 'parley';
import type {} from 'parley/global';

const support: Parley = mount({ transport: 'ws-chat', server: location.origin, title: 'Support' });
const inline = document.getElementById('inline-chat');
if (!inline) throw new Error('#inline-chat is missing');
const twin: Parley = mount({
  transport: 'twin',
  server: location.origin,
  chatId: '3eb5cf6d-4d20-41c2-b886-f60374d11d19',
  title: 'TWIN demo',
  target: inline,
});

const heard: string[] = [];
support.on('message', (m: ParleyMessage) => {
  heard.push(`${m.direction}:${m.text}`);
});
let ready = 0;
support.on('ready', () => {
  ready += 1;
});

// @ts-expect-error: 'websocket' is not a transport
const typo: ParleyOptions = { transport: 'websocket', server: 'https://chat.example.com' };
// @ts-expect-error: open is a boolean, not a string
const wrongType: ParleyOptions = { transport: 'ws-chat', server: 'https://chat.example.com', open: 'yes' };
// @ts-expect-error: there is no such event
support.on('reply', () => {});

let problem = '';
try {
  mount({ transport: 'ws-chat', server: 'ftp://example.com' });
} catch (err) {
  if (err instanceof ParleyOptionsError) problem = err.problems.join('\n');
}

declare global {
  interface Window {
    consumer: {
      support: Parley;
      twin: Parley;
      heard: string[];
      ready: () => number;
      problem: string;
      version: string;
    };
  }
}
// From parley/global: the script tag's handle (none on this page).
const tagHandle: Window['Parley'] = window.Parley;
if (tagHandle !== undefined || typo === wrongType) throw new Error('no script tag here');

window.consumer = { support, twin, heard, ready: () => ready, problem, version };
