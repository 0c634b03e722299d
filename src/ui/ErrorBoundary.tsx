/**
 * Keeps a rendering failure inside the panel: the host page and the launcher stay up, one
 * `[parley]` line says what happened, and the visitor gets "Start over", which forgets the stored
 * conversation that could not be shown (a bad record would otherwise fail again on every visit).
 */
import { Component, type ComponentChildren } from 'preact';
import { log } from '../core/log';
import type { Translate } from '../i18n';

interface Props {
  t: Translate;
  onStartOver: () => void;
  children: ComponentChildren;
}

export class ErrorBoundary extends Component<Props, { failed: boolean }> {
  override state = { failed: false };

  static override getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: unknown): void {
    log.error('the chat panel failed to render; offering to start over:', error);
  }

  override render({ t, onStartOver, children }: Props) {
    if (!this.state.failed) return children;
    return (
      <div class="panel render-failed" role="alert">
        <p>{t('renderFailed')}</p>
        <button
          type="button"
          class="start-over"
          onClick={() => {
            onStartOver();
            this.setState({ failed: false });
          }}
        >
          {t('startOver')}
        </button>
      </div>
    );
  }
}
