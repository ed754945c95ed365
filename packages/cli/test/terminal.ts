import { PassThrough } from 'node:stream';

export const DOWN = '\x1b[B';
export const ENTER = '\r';

/** A person at the terminal: waits for each prompt to appear, then types. */
export function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = '';
  let seen = 0;
  output.on('data', (d) => {
    screen += String(d);
  });
  return {
    input,
    output,
    /** Wait until `prompt` appears after what was already answered, then press the keys. */
    async answer(prompt: string, ...keys: string[]) {
      for (let i = 0; !screen.includes(prompt, seen); i++) {
        if (i > 200) throw new Error(`prompt "${prompt}" never appeared:\n${screen.slice(seen)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      seen = screen.indexOf(prompt, seen) + prompt.length;
      for (const key of keys) {
        input.write(key);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    screen: () => screen,
  };
}
