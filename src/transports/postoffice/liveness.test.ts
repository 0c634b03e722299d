import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Liveness } from './liveness';

describe('postoffice liveness (heartbeat round trips)', () => {
  let sent: string[];
  let dead: number;
  let live: Liveness;
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    dead = 0;
    live = new Liveness('hb-a', {
      send: (id) => sent.push(id),
      onDead: () => (dead += 1),
      periodMs: 25_000,
      timeoutMs: 10_000,
    });
  });
  afterEach(() => {
    live.stop();
    vi.useRealTimers();
  });

  it('sends a heartbeat every period', () => {
    live.start();
    vi.advanceTimersByTime(25_000);
    expect(sent).toEqual(['hb-a:1']);
    live.echo('hb-a:1');
    vi.advanceTimersByTime(25_000);
    expect(sent).toEqual(['hb-a:1', 'hb-a:2']);
  });

  it('resolves a probe on its echo, and earlier probes with it', async () => {
    const first = live.probe();
    const second = live.probe();
    live.echo('hb-a:2');
    await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined]);
    vi.advanceTimersByTime(60_000);
    expect(dead).toBe(0);
  });

  it('ignores echoes of another page load on the same mailbox', async () => {
    const probe = live.probe();
    live.echo('hb-b:1');
    live.echo('garbage');
    vi.advanceTimersByTime(10_000);
    await expect(probe).rejects.toThrow(/no heartbeat echo/);
    expect(dead).toBe(1);
  });

  it('declares the link dead once when no echo comes in time, failing every waiting probe', async () => {
    const a = live.probe();
    vi.advanceTimersByTime(4000);
    const b = live.probe();
    vi.advanceTimersByTime(6000);
    await expect(a).rejects.toThrow();
    await expect(b).rejects.toThrow();
    expect(dead).toBe(1);
    await expect(live.probe()).rejects.toThrow(/stopped/);
  });

  it('waits for a later probe from its own send time after an earlier one was answered', async () => {
    void live.probe();
    vi.advanceTimersByTime(8000);
    const later = live.probe();
    live.echo('hb-a:1');
    vi.advanceTimersByTime(9000); // 17 s after the first, 9 s after the second: still alive
    expect(dead).toBe(0);
    live.echo('hb-a:2');
    await expect(later).resolves.toBeUndefined();
  });

  it('stop() fails what waits and sends nothing more', async () => {
    live.start();
    const probe = live.probe();
    live.stop();
    await expect(probe).rejects.toThrow('disconnected');
    vi.advanceTimersByTime(100_000);
    expect(sent).toEqual(['hb-a:1']);
    expect(dead).toBe(0);
  });
});
