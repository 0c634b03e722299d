/**
 * The welcome state (`data-welcome`, `data-suggestions`): the team's greeting as the first bubble of
 * the log and suggested first questions as answer buttons. Both live only here: the greeting is never
 * sent or stored, and choosing a suggestion sends it as the visitor's first message, after which the
 * suggestions are gone.
 */
import type { Translate } from '../i18n';
import type { ChatStore } from '../store/chat-store';
import { AnswerButtons } from './AnswerButtons';
import { Avatar } from './Avatar';
import type { WelcomeOptions } from './options';

export function Welcome(props: { store: ChatStore; t: Translate; title: string; options: WelcomeOptions }) {
  const { store, t, title, options } = props;
  const { welcome, suggestions } = options;
  const asked = store.messages.value.some((m) => m.direction === 'out');
  const offer = !asked && !store.ended.value && suggestions?.length ? suggestions : null;
  if (!welcome && !offer) return null;
  const team = {
    kind: 'bot' as const,
    name: title,
    ...(options.avatar ? { avatarUrl: options.avatar } : {}),
  };
  return (
    <div class="log__item welcome">
      <div class="msg msg--in msg--bot msg--first msg--last msg--welcome">
        <div class="msg__avatar">
          <Avatar author={team} name={title} />
        </div>
        <div class="msg__body">
          <div class="msg__name">{title}</div>
          {welcome && (
            <div class="bubble" dir="auto">
              {welcome}
            </div>
          )}
          {offer && (
            <AnswerButtons
              answers={offer.map((text) => ({ text }))}
              chosen={undefined}
              t={t}
              onChoose={(answer) => store.send(answer.text)}
            />
          )}
        </div>
      </div>
    </div>
  );
}
