/** The TWIN transport (seed 002): REST sessions and messages, Socket.IO events. */
export { createTwinAdapter, type TwinOptions } from './adapter';
