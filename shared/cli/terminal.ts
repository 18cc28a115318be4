/** A stream the CLI writes to; `isTTY` decides colour and the spinner. */
export interface OutStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Style {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  blue(text: string): string;
  cyan(text: string): string;
}

/**
 * Colour when the stream is a terminal, unless NO_COLOR is set (https://no-color.org) or TERM is
 * "dumb"; FORCE_COLOR (not "0") forces it on a pipe, NO_COLOR still winning.
 */
export function colourEnabled(stream: OutStream, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export function createStyle(enabled: boolean): Style {
  const wrap = (open: number, close: number) => (text: string) => (enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { enabled, bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), blue: wrap(34, 39), cyan: wrap(36, 39) };
}

/** A status line on stderr: a spinner on a terminal, plain lines (only for `note`) elsewhere. */
export interface Progress {
  start(text: string): void;
  /** Replaces the spinner's text; on a pipe it prints the line. */
  note(text: string): void;
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function createProgress(stream: OutStream, options: { setInterval: typeof setInterval; clearInterval: typeof clearInterval }): Progress {
  if (!stream.isTTY) {
    return { start: () => undefined, note: (text) => void stream.write(`${text}\n`), stop: () => undefined };
  }
  let text = '';
  let frame = 0;
  let running = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  const draw = () => void stream.write(`\r\u001b[K${FRAMES[frame++ % FRAMES.length]} ${text}`);
  return {
    start(next) {
      text = next;
      draw();
      if (running) return;
      running = true;
      timer = options.setInterval(draw, 100);
      (timer as { unref?: () => void } | undefined)?.unref?.();
    },
    note(next) {
      text = next;
      if (running) draw();
    },
    stop() {
      if (!running) return;
      running = false;
      if (timer !== undefined) options.clearInterval(timer);
      stream.write('\r\u001b[K');
    },
  };
}
