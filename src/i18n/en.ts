import { enFirst } from './en-first';

/**
 * English, the reference catalogue: every other language is typed against these keys (the shipped
 * ones hold all of them; a partial one given to `createTranslator` falls back to the English text). Every string the visitor can see or hear is here,
 * including accessible names. `{name}` placeholders are filled by the translator; an object value
 * holds plural forms chosen with `Intl.PluralRules` from `vars.count`. The strings the first script
 * needs (the launcher's) are in en-first.ts; the rest comes with the panel.
 */
export const en = {
  ...enFirst,
  closeChat: 'Close chat',
  statusConnecting: 'Connecting…',
  statusOnline: 'Online',
  statusReconnecting: 'Reconnecting…',
  statusOffline: 'Offline',
  statusFailed: 'Connection failed',
  /** The same conversation was opened in another window or on another device, which took the connection. */
  statusEvicted: 'Open in another window',
  /** The body's note while the backend cannot be reached; the composer stays usable. */
  offlineTitle: 'We are offline right now.',
  offlineText: 'Write your message anyway: it will be sent when we are back.',
  failedTitle: 'We cannot connect right now.',
  failedText: 'What you write is kept here and sent once the chat connects again.',
  errorGeneric: 'Something went wrong.',
  /** Shown in the panel when it cannot render what storage or the server gave it. */
  renderFailed: 'This conversation could not be shown.',
  startOver: 'Start over',
  retryConnection: 'Try again',
  regenerate: 'Regenerate answer',
  messages: 'Messages',
  messageLabel: 'Message',
  messagePlaceholder: 'Write a message…',
  send: 'Send',
  you: 'You',
  bot: 'Bot',
  operator: 'Operator',
  stateSending: 'Sending…',
  stateSent: 'Sent',
  stateDelivered: 'Delivered',
  stateRead: 'Read',
  stateFailed: 'Not sent',
  /** A message whose sending the page could not see through (it reloaded): it may have arrived. */
  stateUnconfirmed: 'Not confirmed',
  unconfirmedReason: 'It may have arrived: the page closed or reloaded before the server answered.',
  retry: 'Retry',
  retryLabel: 'Retry sending this message',
  typing: '{name} is typing…',
  typingSomeone: 'Someone is typing…',
  operatorJoined: '{name} joined the conversation',
  operatorChanged: '{name} took over from {previous}',
  sessionEnded: 'This conversation has ended.',
  startNew: 'Start a new conversation',
  answering: '{name} is answering',
  answers: 'Suggested answers',
  answerChosen: 'You chose: {answer}',
  /** A bot message that calls a person in (TWIN's HELP type), said as a visitor understands it. */
  helpRequest: 'Calling a team member for you',
  today: 'Today',
  yesterday: 'Yesterday',
  jumpToLatest: 'Jump to latest messages',
  /** At the top of the log while older messages come from storage or the server's history. */
  olderLoading: 'Loading earlier messages…',
  /** At the top of the log when nothing older exists. */
  olderDone: 'Beginning of the conversation',
  olderFailed: 'Earlier messages could not be loaded.',
  olderRetry: 'Try again',
  openImage: 'Open image: {name}',
  imageViewer: 'Image: {name}',
  closeImage: 'Close image',
  download: 'Download',
  downloadFile: 'Download {name}',
  fileUnknownType: 'File',
  attachFile: 'Attach a file',
  filesToSend: 'Files to send',
  uploadProgress: 'Uploading {name}',
  cancelUpload: 'Cancel upload of {name}',
  removeFile: 'Remove {name}',
  retryUpload: 'Retry upload of {name}',
  uploadFailed: 'Could not upload {name}.',
  uploadFailedShort: 'Upload failed',
  fileTooLarge: '{name} is too large (max {max}).',
  fileWrongType: '{name} is not an accepted file type.',
  uploadsUnsupported: '{name} cannot be sent: this chat takes no files.',
  dropFiles: 'Drop files to attach them',
  waitForUpload: 'Wait for the upload to finish, then send.',
} as const;

export type Catalogue = typeof en;
export type Key = keyof Catalogue;
/** A catalogue entry: plain text, or plural forms keyed by `Intl.PluralRules` categories. */
export type Entry = string | Readonly<Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }>;
/** Another language: any subset of the English keys (missing ones fall back to English). */
export type Translation = Readonly<Partial<Record<Key, Entry>>>;
/**
 * A language Parley ships (zh, ru): every English key. Complete, so the visitor downloads that
 * catalogue alone, never the English one beside it (issue 9).
 */
export type Complete = Readonly<Record<Key, Entry>>;
