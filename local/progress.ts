// A progress bar on stderr for commands that take more than a second, only when stderr is a terminal (pipes,
// files and --json consumers see nothing). With a known total it is a bar; otherwise a moving block and the time.

export interface Progress {
  /** Work done so far, and the total when it is known. */
  update(done: number, total?: number): void;
}

const DELAY_MS = 1000;
const EVERY_MS = 100;
const WIDTH = 24;

export function bar(label: string, elapsedMs: number, done: number, total?: number): string {
  const seconds = `${(elapsedMs / 1000).toFixed(1)} s`;
  if (total && total > 0) {
    const filled = Math.min(WIDTH, Math.round((WIDTH * done) / total));
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${total} ${seconds}`;
  }
  const at = Math.floor(elapsedMs / EVERY_MS) % WIDTH;
  return `${label} [${'-'.repeat(at)}#${'-'.repeat(WIDTH - at - 1)}] ${seconds}`;
}

/** Runs `work`; after a second, draws the bar every 100 ms until it ends, then clears the line. */
export async function withProgress<T>(
  label: string,
  work: (p: Progress) => Promise<T>,
  stream: NodeJS.WriteStream = process.stderr,
): Promise<T> {
  let done = 0;
  let total: number | undefined;
  const progress: Progress = {
    update: (d, t) => {
      done = d;
      total = t;
    },
  };
  if (!stream.isTTY) return work(progress);
  const start = Date.now();
  let drawn = false;
  const draw = () => {
    drawn = true;
    stream.write(`\r\x1b[2K${bar(label, Date.now() - start, done, total)}`);
  };
  let ticker: NodeJS.Timeout | undefined;
  const delay = setTimeout(() => {
    draw();
    ticker = setInterval(draw, EVERY_MS);
  }, DELAY_MS);
  try {
    return await work(progress);
  } finally {
    clearTimeout(delay);
    if (ticker) clearInterval(ticker);
    if (drawn) stream.write('\r\x1b[2K');
  }
}
