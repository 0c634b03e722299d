/**
 * `npm start`'s nchan demo: nginx + nchan in front of the reference server when nginx and the module
 * are installed; otherwise one line saying how to install them. Never fatal: the other demos run.
 */
import type { RunningServer } from '../types';
import { startNchanFront } from './front';
import { findNginx, INSTALL_HINT, type RunningNginx } from './nginx';

export async function startNchanDemo(server: RunningServer, port: number): Promise<RunningNginx | undefined> {
  const install = findNginx();
  if (!install.ok) {
    console.log(`Parley nchan demo: not started, ${install.missing} is not installed (${INSTALL_HINT}).`);
    return undefined;
  }
  try {
    const nginx = await startNchanFront(server, { port });
    console.log(`Parley nchan demo (nginx + nchan): ${nginx.url}/demo-nchan.html`);
    return nginx;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.log(`Parley nchan demo: nginx did not start (${message}). Try --nchan-port=0.`);
    return undefined;
  }
}
