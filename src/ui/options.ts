/** What the embed code tells the widget about its presentation. Later fields are optional. */
export interface WidgetOptions {
  /** Shown in the header and used as the dialog's accessible name. */
  title: string;
  /** Which bottom corner the launcher and the panel sit in (floating mode). */
  position: 'left' | 'right';
  /** `data-target` mode: no launcher, the panel fills the target and is always shown. */
  inline: boolean;
  /** `auto` follows `prefers-color-scheme`. */
  theme: 'light' | 'dark' | 'auto';
  /** Any CSS colour; set as `--parley-accent` on the widget's root (overrides the page's value). */
  accent?: string;
}

/** The welcome state, from the page's `data-*` attributes; every part is optional. */
export interface WelcomeOptions {
  /** `data-welcome`: the first bubble, from the team; shown only here, never sent or stored. */
  welcome?: string;
  /** `data-avatar`: the team's picture, in the header and beside the welcome bubble. */
  avatar?: string;
  /** `data-subtitle`: a line under the title, e.g. "Usually replies in minutes". */
  subtitle?: string;
  /** `data-suggestions`: first questions offered as answer buttons until the visitor writes. */
  suggestions?: readonly string[];
}
