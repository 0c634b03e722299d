/**
 * Inline SVG icons built as elements (no markup strings). All are decorative: the button or text
 * next to them carries the accessible name, so each is hidden from assistive technology.
 */
import { Icon } from './icon';

export { ChatIcon, CloseIcon } from './icon';

export const SendIcon = () => (
  <Icon>
    <path d="m22 2-7 20-4-9-9-4Z" />
    <path d="M22 2 11 13" />
  </Icon>
);

export const ClockIcon = () => (
  <Icon class="icon--small">
    <circle cx="12" cy="12" r="9" />
    <path d="M12 7v5l3 2" />
  </Icon>
);

export const CheckIcon = () => (
  <Icon class="icon--small">
    <path d="m5 12 5 5L20 7" />
  </Icon>
);

export const DoubleCheckIcon = () => (
  <Icon class="icon--small">
    <path d="m2 12 5 5L17 7" />
    <path d="m12 16 1 1L23 7" />
  </Icon>
);

export const AlertIcon = () => (
  <Icon class="icon--small">
    <circle cx="12" cy="12" r="9" />
    <path d="M12 8v4M12 16h.01" />
  </Icon>
);

export const FileIcon = () => (
  <Icon>
    <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8Z" />
    <path d="M14 3v5h5" />
  </Icon>
);

export const DownloadIcon = () => (
  <Icon class="icon--small">
    <path d="M12 4v12M7 11l5 5 5-5M5 20h14" />
  </Icon>
);

export const ArrowDownIcon = () => (
  <Icon class="icon--small">
    <path d="M12 5v14M6 13l6 6 6-6" />
  </Icon>
);

export const PaperclipIcon = () => (
  <Icon>
    <path d="m21 11-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6L15 7" />
  </Icon>
);
