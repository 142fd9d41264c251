/**
 * Progress of a producer run: one line rewritten in place on a terminal (stderr), a JSON log line
 * per checkpoint otherwise (a pod's log has no terminal).
 */
import type { Logger } from '../logging/logger.ts';

export interface ProgressCounts {
  fetched: number;
  sent: number;
  deadLettered: number;
  alreadySent: number;
  checkpoint: string | undefined;
}

export interface Progress {
  update(counts: ProgressCounts): void;
  done(): void;
}

const REDRAW_INTERVAL_MS = 200;

function progressLine(counts: ProgressCounts): string {
  return (
    `fetched ${counts.fetched}  sent ${counts.sent}  dead-lettered ${counts.deadLettered}` +
    `  already sent ${counts.alreadySent}  checkpoint ${counts.checkpoint ?? '-'}`
  );
}

export function createProgress(logger: Logger, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) {
    return {
      update: (counts) => logger.info(counts, 'checkpoint advanced'),
      done: () => undefined,
    };
  }
  let lastDraw = 0;
  let drawn = false;
  return {
    update(counts) {
      const now = Date.now();
      if (now - lastDraw < REDRAW_INTERVAL_MS) return;
      lastDraw = now;
      drawn = true;
      stream.write(`\r\x1b[K${progressLine(counts).slice(0, Math.max(20, (stream.columns ?? 120) - 1))}`);
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
