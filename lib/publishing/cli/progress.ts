import type { RowOutcome } from './import-albums.js';

/** Shows an import as it goes: a bar on a terminal, one line per album otherwise. */
export interface Progress {
  row(outcome: RowOutcome): void;
  /** Ends the bar (if any), then prints the summary and every failure. */
  end(outcomes: readonly RowOutcome[]): void;
}

type Bar = { increment(by: number, payload: Record<string, number>): void; stop(): void };

/** One line per album, for logs and pipes (and a dry run's each check). */
const lineOf = ({ row, status, productId, message }: RowOutcome): string =>
  `${status} ${row.key ?? '-'} (row ${row.row})${productId ? ` → ${productId}` : ''}${message ? `: ${message}` : ''}`;

/**
 * The progress of `total` albums on `out`: a bar (cli-progress) on a TTY — loaded then only —
 * and a line per album otherwise.
 */
export async function progressOn(
  out: NodeJS.WriteStream,
  total: number,
  dryRun: boolean,
): Promise<Progress> {
  const counts = { created: 0, existed: 0, failed: 0, checked: 0 };
  let bar: Bar | undefined;
  if (out.isTTY) {
    const { default: progress } = await import('cli-progress');
    const made = dryRun ? 'checked {checked}' : 'created {created}';
    const started = new progress.SingleBar(
      {
        stream: out,
        format: `albums {bar} {value}/{total} | ${made} · existed {existed} · failed {failed}`,
        hideCursor: true,
      },
      progress.Presets.shades_classic,
    );
    started.start(total, 0, counts);
    bar = started;
  }
  return {
    row(outcome) {
      counts[outcome.status] += 1;
      if (bar) bar.increment(1, counts);
      else out.write(`${lineOf(outcome)}\n`);
    },
    end(outcomes) {
      bar?.stop();
      const made = dryRun ? `${counts.checked} ready` : `${counts.created} created`;
      out.write(
        `${outcomes.length} albums: ${made}, ${counts.existed} existed, ${counts.failed} failed\n`,
      );
      const failed = outcomes.filter((o) => o.status === 'failed');
      if (failed.length > 0)
        out.write(`failed:\n${failed.map((o) => `  ${lineOf(o)}`).join('\n')}\n`);
    },
  };
}
