/**
 * Answer buttons (quick replies) under a message. After a choice they stay in the tab order with
 * `aria-disabled` rather than `disabled`, so a screen reader user can still find them and hear
 * which one was chosen (the BotFramework Web Chat lesson).
 */
import type { Answer } from '../core/types';
import type { Translate } from '../i18n';
import { CheckIcon } from './icons';

export interface AnswerButtonsProps {
  answers: readonly Answer[];
  chosen: string | undefined;
  /** The visitor wrote on instead of choosing: the buttons are over, nothing was chosen. */
  over?: boolean;
  t: Translate;
  onChoose: (answer: Answer) => void;
}

export function AnswerButtons({ answers, chosen, over = false, t, onChoose }: AnswerButtonsProps) {
  const done = chosen !== undefined || over;
  return (
    <fieldset class={done ? 'answers answers--done' : 'answers'}>
      <legend class="sr-only">{t('answers')}</legend>
      {answers.map((answer, i) => {
        const picked = done && answer.text === chosen;
        return (
          <button
            key={answer.id ?? i}
            type="button"
            class={picked ? 'answer answer--chosen' : 'answer'}
            aria-disabled={done ? 'true' : undefined}
            onClick={() => {
              if (!done) onChoose(answer);
            }}
          >
            {picked && <CheckIcon />}
            <span dir="auto">{answer.text}</span>
          </button>
        );
      })}
      {chosen !== undefined && <span class="sr-only">{t('answerChosen', { answer: chosen })}</span>}
    </fieldset>
  );
}
