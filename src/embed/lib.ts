/**
 * Entry of the npm package (`import { mount } from 'parley'`). Importing it has no effect: no
 * browser global is touched until `mount()` is called (safe in Node for server-side rendering).
 */

export type { TransportError, TransportErrorCode } from '../core/errors';
export type { Author, AuthorKind, ConnectionStatus, SendState, StatusChange } from '../core/types';
export type { ParleyEvents, ParleyMessage } from './api';
export { VERSION as version } from './instance';
export { mount, type Parley, ParleyOptionsError } from './mount';
export type { ParleyOptions } from './options';
