/**
 * nginx + nchan in front of a running reference server: nginx proxies the pages and the token
 * endpoint to it, asks its authorize hook, and its bot subscribes through nginx. Used by `npm start`,
 * the tests and the e2e fixtures.
 */
import type { RunningServer } from '../types';
import { NCHAN, type NchanModule } from './index';
import { type NginxOptions, type RunningNginx, startNginx } from './nginx';

export function nchanModuleOf(server: RunningServer): NchanModule {
  const module = server.modules.get(NCHAN);
  if (!module) throw new Error('the reference server runs without its nchan module');
  return module as NchanModule;
}

export async function startNchanFront(
  server: RunningServer,
  options: Omit<NginxOptions, 'appPort'> = {},
): Promise<RunningNginx> {
  const nginx = await startNginx({ ...options, appPort: server.port });
  nchanModuleOf(server).useNginx(nginx.url);
  return nginx;
}
