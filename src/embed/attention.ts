/**
 * Getting the visitor's attention for a new message, each only when the site asks for it:
 * the unread count in the page title (`data-title-badge`), a short chime (`data-sound`), and a
 * browser notification (`Parley.enableNotifications()`, which the page must call from a click:
 * browsers only grant the permission to a user gesture). Nothing here runs for the visitor's own
 * messages, or while the panel is open on a visible tab.
 *
 * A file of its own in the split build (embed/app.tsx): loaded with the panel when the page set
 * `data-title-badge` or `data-sound`, else only when the page calls `Parley.enableNotifications()`.
 */
import { effect } from '@preact/signals';
import { visibleBidi } from '../core/bidi';
import type { ChatStore } from '../store/chat-store';
import type { ChatMessage } from '../store/types';

export interface AttentionOptions {
  titleBadge: boolean;
  sound: boolean;
  /** Title of notifications (the widget's title). */
  title: string;
}

type NotificationCtor = typeof Notification;

export function createAttention(store: ChatStore, options: AttentionOptions, doc: Document = document) {
  const disposers: Array<() => void> = [];
  let notify = false;
  let audio: AudioContext | undefined;

  if (options.titleBadge) {
    // Remember the page's own title each time the badge appears, so a page that changes its title
    // meanwhile gets its new title back.
    let base: string | null = null;
    disposers.push(
      effect(() => {
        const n = store.unread.value;
        if (n > 0) {
          base ??= doc.title;
          doc.title = `(${n}) ${base}`;
        } else if (base !== null) {
          doc.title = base;
          base = null;
        }
      }),
      // Destroyed with unread messages: the page gets its own title back.
      () => {
        if (base !== null) doc.title = base;
        base = null;
      },
    );
  }

  const unattended = () => !store.isOpen.value || doc.visibilityState === 'hidden';

  function chime(): void {
    const Ctx = globalThis.AudioContext;
    if (!Ctx) return;
    try {
      audio ??= new Ctx();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.08, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.25);
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.25);
    } catch {
      // Autoplay policies refuse audio before any user gesture: silence is the right fallback.
    }
  }

  function showNotification(message: ChatMessage): void {
    const N = (globalThis as { Notification?: NotificationCtor }).Notification;
    if (N?.permission !== 'granted' || doc.visibilityState !== 'hidden') return;
    // A file name is a label the visitor trusts: no bidi control may disguise it (core/bidi.ts).
    const body = message.text || visibleBidi(message.attachments?.[0]?.name ?? '');
    const n = new N(options.title, { body: body.slice(0, 140), tag: 'parley' });
    n.onclick = () => {
      globalThis.focus?.();
      store.setOpen(true);
      n.close();
    };
  }

  disposers.push(
    store.events.on('message', (message) => {
      if (message.direction !== 'in' || message.notice || !unattended()) return;
      if (options.sound) chime();
      if (notify) showNotification(message);
    }),
  );

  return {
    /**
     * Asks for the permission (call from a click handler), unless `asked` is the answer to a
     * request the caller already made in that click; resolves whether notifications are on.
     */
    async enableNotifications(asked?: Promise<NotificationPermission>): Promise<boolean> {
      const N = (globalThis as { Notification?: NotificationCtor }).Notification;
      if (!N) return false;
      const permission = await (asked ?? (N.permission === 'default' ? N.requestPermission() : N.permission));
      notify = permission === 'granted';
      return notify;
    },
    dispose(): void {
      for (const d of disposers.splice(0)) d();
      void audio?.close().catch(() => {});
    },
  };
}
