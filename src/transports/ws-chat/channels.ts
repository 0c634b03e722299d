/**
 * The channels a ws-chat customer token may name (seed 001). A file of its own because the embed
 * code's first script validates `data-channel` with it and must not pull in the rest of the protocol.
 */
export const CHANNELS = [
  'WEB',
  'WECHAT',
  'WHATSAPP',
  'LINE',
  'TELEGRAM',
  'FACEBOOK',
  'EMAIL',
  'SMS',
  'PHONE',
  'APP',
] as const;
export type Channel = (typeof CHANNELS)[number];
