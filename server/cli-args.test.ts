import { afterEach, describe, expect, it } from 'vitest';
import { parseCli, startFailure } from './cli-args';
import { startServer } from './index';
import type { RunningServer } from './types';

const running: RunningServer[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
});

describe('npm start', () => {
  it('names --port and PORT when the port is taken, instead of a bare EADDRINUSE', async () => {
    const first = await startServer({ port: 0 });
    running.push(first);
    const error = await startServer({ port: first.port }).then(
      (s) => {
        running.push(s);
        return null;
      },
      (e: unknown) => e,
    );
    expect(error).not.toBeNull();
    const line = startFailure(error, first.port);
    expect(line).toContain(`port ${first.port} is already in use`);
    expect(line).toContain('--port');
    expect(line).toContain('PORT=');
  });

  it('reads the port from --port or PORT', () => {
    expect(parseCli(['--port', '9000'], {})).toMatchObject({ ok: true, options: { port: 9000 } });
    expect(parseCli([], { PORT: '9001' })).toMatchObject({ ok: true, options: { port: 9001 } });
  });
});
