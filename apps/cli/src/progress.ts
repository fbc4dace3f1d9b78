import { MultiBar, Presets, type SingleBar } from 'cli-progress';

export interface ProgressBar {
  add(n?: number): void;
  done(): void;
  setTotal(n: number): void;
}

/**
 * Two bars (produced, consumed) on stderr. On a terminal they redraw in place; elsewhere (CI logs, pipes)
 * cli-progress prints the same line every few seconds instead, so a log shows progress without a flood.
 */
export class Progress {
  private readonly multi: MultiBar;
  private readonly bars = new Map<string, SingleBar>();

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.multi = new MultiBar(
      {
        stream,
        format: '{label} [{bar}] {percentage}% | {value}/{total} | {rate}/s',
        barsize: 30,
        hideCursor: stream.isTTY === true,
        clearOnComplete: false,
        stopOnComplete: false,
        noTTYOutput: true,
        notTTYSchedule: 2_000,
        emptyOnZero: true,
      },
      Presets.shades_classic,
    );
  }

  bar(label: string, total: number): ProgressBar {
    const started = Date.now();
    const bar = this.multi.create(total, 0, { label: label.padEnd(9), rate: 0 });
    this.bars.set(label, bar);
    let value = 0;
    return {
      add: (n = 1) => {
        value += n;
        const secs = (Date.now() - started) / 1000;
        bar.update(value, { rate: secs > 0 ? Math.round(value / secs) : 0 });
      },
      done: () => bar.update(value),
      setTotal: (n) => bar.setTotal(n),
    };
  }

  /** A line above the bars (what is being set up, a warning). */
  log(line: string): void {
    // cli-progress prints log lines with its next redraw: before the first bar there is none
    if (this.bars.size === 0) this.stream.write(`${line}\n`);
    else this.multi.log(`${line}\n`);
  }

  stop(): void {
    this.multi.stop();
  }
}
