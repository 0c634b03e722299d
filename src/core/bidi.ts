/**
 * Bidirectional-text controls in short labels. An override or embedding (U+202A–U+202E) or an
 * isolate (U+2066–U+2069) reorders the characters after it: a sender `Bank \u202Etroppus` reads as
 * "Bank support", a file `invoice\u202Efdp.exe` as "invoiceexe.pdf". Names, file names and link
 * texts are labels a visitor trusts, so there the controls are replaced by a visible U+FFFD; the
 * label itself is isolated from its neighbours by the element it sits in (`dir="auto"`, `<bdi>`).
 * Message bodies are left alone: right-to-left writing uses these controls legitimately.
 */
const CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** The label with every bidi embedding, override and isolate control shown as "\uFFFD". */
export function visibleBidi(label: string): string {
  return label.replace(CONTROLS, '\uFFFD');
}
