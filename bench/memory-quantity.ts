/** A Kubernetes memory quantity (`128Mi`, `1Gi`, `500M`, `1e9`, a plain byte count) in bytes. */
const MULTIPLIERS: Readonly<Record<string, number>> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

export function memoryQuantityBytes(quantity: string): number {
  const match = /^([0-9.]+(?:e[0-9]+)?)(|k|M|G|T|Ki|Mi|Gi|Ti)$/.exec(quantity.trim());
  if (match === null) throw new Error(`not a memory quantity: ${quantity}`);
  return Number(match[1]) * MULTIPLIERS[match[2]!]!;
}
