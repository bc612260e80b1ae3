/**
 * One measured figure. Absolute times on these shared machines are noise; what a figure is
 * judged by is a ratio against something measured or fixed in the same run.
 */
export type Figure = {
  /** Stable, dotted: "ladder.decide_next_action". */
  name: string;
  value: number;
  unit: string;
  /** The ratio the figure is judged by, what it is a ratio of, and the goal it must meet. */
  ratio: { value: number; of: string; goal: string; met: boolean };
  note?: string;
};

export type Suite = { title: string; run: () => Promise<Figure[]> };

/** Rounds for display without hiding a small number behind zeros. */
export function round(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  const digits = Math.max(0, 3 - Math.floor(Math.log10(Math.abs(value))));
  return Number(value.toFixed(Math.min(digits, 6)));
}

/**
 * Median milliseconds per call of `fn` over several rounds, after a warm-up round, so that a
 * single noisy round (a neighbour's burst on this shared machine) does not set the figure.
 */
export function medianMsPerCall(fn: (i: number) => unknown, { calls = 1000, rounds = 7 } = {}): number {
  const perCall: number[] = [];
  for (let round = -1; round < rounds; round++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) fn(i);
    const elapsed = performance.now() - start;
    if (round >= 0) perCall.push(elapsed / calls);
  }
  perCall.sort((a, b) => a - b);
  return perCall[Math.floor(perCall.length / 2)] ?? Number.NaN;
}

/** medianMsPerCall for work that returns a promise. */
export async function medianMsPerAsyncCall(
  fn: (i: number) => Promise<unknown>,
  { calls = 20, rounds = 5 } = {},
): Promise<number> {
  const perCall: number[] = [];
  for (let round = -1; round < rounds; round++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) await fn(i);
    const elapsed = performance.now() - start;
    if (round >= 0) perCall.push(elapsed / calls);
  }
  perCall.sort((a, b) => a - b);
  return perCall[Math.floor(perCall.length / 2)] ?? Number.NaN;
}
