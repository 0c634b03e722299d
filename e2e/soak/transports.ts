/**
 * The transports the soak drives, one entry each. Adding one: its module in the reference server
 * must offer `testing` (server/types.ts: TestHooks), and the entry says how the page configures
 * the widget and, when the protocol acknowledges deliveries, how to read the acknowledgements.
 */
import type { ReferenceServerOptions } from '../../server/index';
import type { TwinModule } from '../../server/twin/index';
import type { ProtocolModule } from '../../server/types';

export interface SoakTransport {
  /** Shown in the report. */
  label: string;
  /** The module in the reference server (RunningServer.modules key). */
  module: string;
  /** `data-*` attributes of the widget; `{origin}` in a value is the page's origin (e2e/pages/soak.js). */
  attributes: Record<string, string>;
  /** Options of the reference server beyond the soak's own (bot off, kept state). */
  server?: Partial<ReferenceServerOptions>;
  /** False: only the full soak (`npm run soak`) runs it, not the short one in `npm test`. */
  short?: boolean;
  /**
   * False: the protocol keeps nothing for a visitor who is away (postoffice, chatfaq), so a message
   * written then is lost by design. The soak lets what is under way arrive before each fault, and
   * the one message it writes while the widget is away after a drop is reported apart, not scored.
   */
  replay?: boolean;
  /**
   * Set: a restart empties what the server held for an absent visitor, by the protocol's design
   * (the text says why, for the report). The soak lets what is under way arrive before each restart.
   */
  restartForgets?: string;
  /**
   * The protocol's own message id, when its seed defines one: a backend built from the seed
   * recognises a resend by it, so resends the reference server recognised are reported, not scored
   * as duplicates. Unset: the id (if any) is only our reference server's, and a resend is a duplicate.
   */
  messageId?: string;
  /** `nchan`: nginx + nchan in front of the server; drops cut the TCP connections, restarts are nginx's. */
  front?: 'nchan';
  /** Protocols that acknowledge each delivery: sent ids and acknowledgement counts of a conversation. */
  acks?(module: ProtocolModule, conversation: string): { sent: string[]; acks: Map<string, number> };
}

const isTwin = (module: ProtocolModule): module is TwinModule => 'sentIds' in module && 'acks' in module;

function twinAcks(module: ProtocolModule, session: string) {
  if (!isTwin(module)) throw new Error('not the twin module');
  return { sent: module.sentIds(session), acks: module.acks(session) };
}

export const SOAK_TRANSPORTS: readonly SoakTransport[] = [
  { label: 'ws-chat', module: 'ws-chat', attributes: { transport: 'ws-chat' } },
  {
    label: 'ws-chat (flat generation)',
    module: 'ws-chat',
    attributes: { transport: 'ws-chat', protocol: 'flat' },
    server: { wsChatProtocol: 'flat' },
    short: false,
  },
  {
    label: 'twin',
    module: 'twin',
    attributes: { transport: 'twin', 'chat-id': 'demo' },
    acks: twinAcks,
  },
  {
    label: 'twin (socket.io 4)',
    module: 'twin',
    attributes: { transport: 'twin', 'chat-id': 'demo', eio: '4' },
    server: { twinSocketIo: 4 },
    short: false,
    acks: twinAcks,
  },
  {
    label: 'postoffice',
    module: 'postoffice',
    attributes: {
      transport: 'postoffice',
      server: '{origin}/postoffice',
      to: '/service/parley/bot',
      'token-url': '{origin}/postoffice/token',
    },
    replay: false,
    short: false,
  },
  {
    label: 'chatfaq',
    module: 'chatfaq',
    attributes: { transport: 'chatfaq', fsm: 'demo' },
    replay: false,
    short: false,
  },
  {
    label: 'nchan',
    module: 'nchan',
    attributes: { transport: 'nchan', 'channel-path': '/chat/{id}', 'token-url': '{origin}/nchan/token' },
    front: 'nchan',
    // Seed 004 makes X-Request-Id the unique id of a message and the widget sends its client id
    // there. A publish cut by a drop before its PONG is published again: nchan carries both copies.
    messageId: 'x-request-id',
    // Found by the full soak: a drop, then a restart 0.9 s later, before the widget had resumed:
    // the two replies waiting in nchan's buffer were gone (2 lost in 1 of 2 runs).
    restartForgets: "nchan keeps its buffers in nginx's memory: a restart of nginx empties them",
    short: false,
  },
];
