export interface TableRow {
  readonly figure: string;
  readonly value: number | string;
  readonly setup: string;
}

/**
 * A plain-text table that stays readable in a terminal and in a README: figure, value (right
 * aligned) and the setup in a few words, wrapped at `width`.
 */
export function formatTable(rows: readonly TableRow[], width = 140): string {
  const figureWidth = Math.max(6, ...rows.map((row) => row.figure.length));
  const valueWidth = Math.max(5, ...rows.map((row) => String(row.value).length));
  const setupWidth = Math.max(30, width - figureWidth - valueWidth - 6);
  const wrap = (text: string) => {
    const lines: string[] = [];
    let line = "";
    for (const word of text.split(" ")) {
      if (line && line.length + word.length + 1 > setupWidth) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    return [...lines, line];
  };
  const out = [
    `${"figure".padEnd(figureWidth)} | ${"value".padStart(valueWidth)} | setup`,
    `${"-".repeat(figureWidth)}-|-${"-".repeat(valueWidth)}-|-${"-".repeat(setupWidth)}`,
  ];
  for (const row of rows) {
    const [first, ...rest] = wrap(row.setup);
    out.push(`${row.figure.padEnd(figureWidth)} | ${String(row.value).padStart(valueWidth)} | ${first}`);
    for (const line of rest) out.push(`${"".padEnd(figureWidth)} | ${"".padStart(valueWidth)} | ${line}`);
  }
  return out.join("\n");
}
