/** Median and spread of repeated measurements. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error("summarize: no values");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, count: sorted.length };
}

/** `0.42 s (0.40-0.47)`: median, then the range of all runs. */
export function formatSeconds(summary: Summary): string {
  const s = (ms: number): string => (ms / 1000).toFixed(2);
  return summary.count > 1 ? `${s(summary.median)} s (${s(summary.min)}-${s(summary.max)})` : `${s(summary.median)} s`;
}

export function formatMb(summary: Summary): string {
  return summary.count > 1 ? `${summary.median.toFixed(0)} MB (${summary.min.toFixed(0)}-${summary.max.toFixed(0)})` : `${summary.median.toFixed(0)} MB`;
}

/** A growth exponent k such that cost ~ size^k between two sizes (1 = linear, 2 = quadratic). */
export function growthExponent(smallSize: number, smallCost: number, largeSize: number, largeCost: number): number {
  return Math.log(largeCost / smallCost) / Math.log(largeSize / smallSize);
}
