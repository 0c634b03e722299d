/**
 * The panel as the widget shows it: inside an error boundary, so a rendering failure keeps the
 * page and the launcher up and offers "Start over" (which forgets the stored conversation).
 */
import { ErrorBoundary } from './ErrorBoundary';
import { Panel, type PanelProps } from './Panel';

export function ChatPanel(props: PanelProps) {
  return (
    <ErrorBoundary t={props.t} onStartOver={() => props.store.clear()}>
      <Panel {...props} />
    </ErrorBoundary>
  );
}
