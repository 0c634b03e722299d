import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Backoff } from '../core/backoff';
import { Reconnector } from './reconnector';
import { installFakeBrowser as fakeBrowser } from './test-browser';

describe('Reconnector', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  const fixedBackoff = () => new Backoff({ baseMs: 1000, capMs: 8000, random: () => 1 });

  it('attempts again after the backoff delay, growing until a success resets it', () => {
    fakeBrowser();
    const attempt = vi.fn();
    const r = new Reconnector({ attempt, backoff: fixedBackoff() });
    r.start();
    expect(r.schedule()).toBe(1000);
    vi.advanceTimersByTime(999);
    expect(attempt).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(r.schedule()).toBe(2000);
    r.succeeded();
    expect(r.waiting).toBe(false);
    expect(r.schedule()).toBe(1000);
    r.stop();
  });

  it('never doubles a scheduled retry', () => {
    fakeBrowser();
    const attempt = vi.fn();
    const r = new Reconnector({ attempt, backoff: fixedBackoff() });
    r.start();
    r.schedule();
    r.schedule();
    vi.advanceTimersByTime(60_000);
    expect(attempt).toHaveBeenCalledTimes(1);
    r.stop();
  });

  it('online and visibilitychange fired together start exactly one attempt', () => {
    const browser = fakeBrowser();
    const attempt = vi.fn();
    const r = new Reconnector({ attempt, backoff: fixedBackoff() });
    r.start();
    r.schedule();
    browser.wake();
    expect(attempt).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(attempt).toHaveBeenCalledTimes(1);
    r.stop();
  });

  it('does nothing on online when no retry is waiting (the link is up or opening)', () => {
    const browser = fakeBrowser();
    const attempt = vi.fn();
    const r = new Reconnector({ attempt });
    r.start();
    browser.win.dispatchEvent(new Event('online'));
    expect(attempt).not.toHaveBeenCalled();
    r.stop();
  });

  it('reports a sleep when the tick fires far later than asked', () => {
    fakeBrowser();
    let clock = 0;
    const onSleep = vi.fn();
    const r = new Reconnector({ attempt: vi.fn(), onSleep, tickMs: 100, now: () => clock });
    r.start();
    clock += 100;
    vi.advanceTimersByTime(100);
    expect(onSleep).not.toHaveBeenCalled();
    clock += 1000; // the machine was asleep for a second between two ticks
    vi.advanceTimersByTime(100);
    expect(onSleep).toHaveBeenCalledTimes(1);
    r.stop();
  });

  it('stop() leaves no timer and no listener, in any state, and is idempotent', () => {
    const browser = fakeBrowser();
    const attempt = vi.fn();
    const r = new Reconnector({ attempt });
    expect(vi.getTimerCount()).toBe(0);
    r.start();
    r.start();
    r.schedule();
    expect(browser.live).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(2);
    r.stop();
    r.stop();
    expect(browser.live).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
    browser.win.dispatchEvent(new Event('online'));
    vi.advanceTimersByTime(120_000);
    expect(attempt).not.toHaveBeenCalled();
  });

  it('schedules nothing after stop()', () => {
    fakeBrowser();
    const attempt = vi.fn();
    const r = new Reconnector({ attempt });
    r.start();
    r.stop();
    r.schedule();
    expect(vi.getTimerCount()).toBe(0);
  });
});
