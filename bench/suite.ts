export interface BenchSuite {
  readonly name: string;
  readonly description: string;
  /** Measures and prints its figures, one line per call of `print`. */
  run(print: (line: string) => void): Promise<void>;
}

/** Formats rows as a Markdown table, so figures paste straight into a note. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)];
}

export function seconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(2)} s`;
}
