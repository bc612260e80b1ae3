/**
 * Progress of long work on stderr: a bar redrawn in place where stderr is a terminal, one plain
 * line per step where it is a file or a pipe (a CI log keeps every line, so no redrawing there).
 * Nothing at all goes to stdout, which holds the command's answer.
 */
import type { Stderr } from "./command.ts";

export type Progress = {
  /** `done` of the total are finished. */
  update(done: number): void;
  /** The work ended, finished or not: the bar's line is closed. */
  end(): void;
};

const BAR_WIDTH = 30;

export function progressOn(err: Stderr, label: string, total: number, unit: string): Progress {
  let drawn = false;
  let last = -1;
  return {
    update(done) {
      if (done === last) return;
      last = done;
      const counted = `${done}/${total} ${unit}`;
      if (!err.isTTY) {
        err.write(`${label}: ${counted}\n`);
        return;
      }
      const share = total === 0 ? 1 : Math.min(1, done / total);
      const room = (err.columns ?? 80) - label.length - counted.length - 10;
      const width = Math.max(10, Math.min(BAR_WIDTH, room));
      const filled = Math.round(share * width);
      const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
      const percent = `${Math.floor(share * 100)}%`.padStart(4);
      // \r and erase-line redraw the bar over itself.
      err.write(`\r\x1b[2K${label} ${bar} ${percent} ${counted}`);
      drawn = true;
    },
    end() {
      if (drawn) err.write("\n");
      drawn = false;
    },
  };
}
