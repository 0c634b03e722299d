/**
 * The frame every inline SVG icon is drawn in, and the launcher's two icons: a file of its own
 * because the first script (launcher only) must not pull in the panel's icons (`icons.tsx`).
 * All are decorative: the button or text next to them carries the accessible name.
 */
import type { ComponentChildren } from 'preact';

export function Icon(props: { children: ComponentChildren; class?: string }) {
  return (
    <svg
      class={props.class ? `icon ${props.class}` : 'icon'}
      viewBox="0 0 24 24"
      width="20"
      height="20"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {props.children}
    </svg>
  );
}

export const ChatIcon = () => (
  <Icon class="icon--chat">
    <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12Z" />
  </Icon>
);

export const CloseIcon = () => (
  <Icon>
    <path d="M18 6 6 18M6 6l12 12" />
  </Icon>
);
