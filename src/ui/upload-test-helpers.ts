/** Files and the emulator setup shared by the upload component tests (test-only module). */
import { fireEvent, screen } from '@testing-library/preact';

export const file = (name: string, type: string, size = 2048) =>
  new File([new Uint8Array(size)], name, { type });

/** A file that claims a size, so a "too large" test needs no 10 MB buffer. */
export function sized(name: string, type: string, size: number): File {
  const f = file(name, type, 1);
  Object.defineProperty(f, 'size', { value: size });
  return f;
}

/** The hidden input behind the attach button (it has no role: the button is what people use). */
export const fileInput = () => {
  const input = screen.getByRole('dialog').querySelector<HTMLInputElement>('input[type="file"]');
  if (!input) throw new Error('no file input');
  return input;
};

/** What choosing files in the browser's file chooser does. */
export const choose = (...files: File[]) => fireEvent.change(fileInput(), { target: { files } });
