/** ChatFAQ's WebSocket consumer (seed 003): see TRANSPORTS.md, `chatfaq`. */
export { type ChatfaqOptions, createChatfaqAdapter } from './adapter';
