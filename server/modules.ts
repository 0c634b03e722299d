/**
 * The protocol modules the reference server runs, in the order they are offered each request.
 * Adding a protocol is one line here.
 */
import { type ChatfaqModuleOptions, createChatfaqModule } from './chatfaq/index';
import { createNchanModule } from './nchan/index';
import { createPostofficeModule, type PostofficeModuleOptions } from './postoffice/index';
import { createTwinModule, type TwinModuleOptions } from './twin/index';
import type { ProtocolModule } from './types';
import { createWsChatModule, type WsChatOptions } from './ws-chat/index';

/** Options every module receives: the server's, plus module-specific knobs (see each module). */
export type ModuleOptions = WsChatOptions &
  TwinModuleOptions &
  PostofficeModuleOptions &
  ChatfaqModuleOptions;

export function createModules(options: ModuleOptions): ProtocolModule[] {
  return [
    createWsChatModule(options),
    createTwinModule(options),
    createPostofficeModule(options),
    createChatfaqModule(options),
    createNchanModule(options),
  ];
}
