import { parse } from "csv-parse/sync";

const csvOptions = { skip_empty_lines: true, trim: true, relax_column_count: false } as const;
/** Anything but printable ASCII and newlines (quotes, CR, tabs, non-ASCII spaces) needs the full parser. */
const needsFullParser = /[^\x20-\x7e\n]|"/;
const edgeSpaces = /^ +| +$/g;
const comma = 44;
const space = 32;

/** Whether every line that is not blank (spaces only) has as many commas as the first. */
function sameWidthEverywhere(text: string): boolean {
  let commasPerLine = -1;
  for (let start = 0; start <= text.length; ) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    let commas = 0;
    let blank = true;
    for (let at = start; at < end; at++) {
      const code = text.charCodeAt(at);
      if (code === comma) commas++;
      if (code !== space) blank = false;
    }
    if (!blank) {
      if (commasPerLine === -1) commasPerLine = commas;
      else if (commas !== commasPerLine) return false;
    }
    start = end + 1;
  }
  return true;
}

/**
 * The rows csv-parse gives with empty lines skipped and fields trimmed, every row as long as the
 * header, one at a time. Plain files (no quotes, printable ASCII) are split directly, many times
 * faster on a million-customer log and without holding every row at once; anything else, or a file
 * with a row of the wrong length, goes to csv-parse itself, so the rows and the errors are csv-parse's
 * (thrown, as csv-parse throws them, before the first row).
 */
export function* csvRows(text: string): Generator<string[]> {
  if (needsFullParser.test(text) || !sameWidthEverywhere(text)) {
    yield* parse(text, csvOptions) as string[][];
    return;
  }
  for (let start = 0; start <= text.length; ) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === "") continue;
    const fields = line.split(",");
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i] as string;
      if (field.startsWith(" ") || field.endsWith(" ")) fields[i] = field.replace(edgeSpaces, "");
    }
    yield fields;
  }
}
