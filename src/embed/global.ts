/**
 * Types for the script tag's `window.Parley`, for site owners who call it from TypeScript:
 * `/// <reference types="parley/global" />` (or `import type {} from 'parley/global'`). Before the
 * script has loaded `window.Parley` may be the page's queue of calls (`Parley.push(['open'])`).
 */
import type { ParleyApi } from './api';

/** A call queued before the script loaded: a method's name and its arguments. */
export type ParleyCall = [name: string, ...args: unknown[]];

declare global {
  interface Window {
    Parley?: ParleyApi | ParleyCall[];
  }
}
