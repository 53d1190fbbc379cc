import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvRows } from "./csv-rows";

/** What csv-parse itself gives (or throws) with the options the purchase log is read with. */
function csvParse(text: string): { rows: string[][] } | { error: string } {
  try {
    return { rows: parse(text, { skip_empty_lines: true, trim: true, relax_column_count: false }) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function ours(text: string): { rows: string[][] } | { error: string } {
  try {
    return { rows: [...csvRows(text)] };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe("csvRows", () => {
  it.each([
    ["a plain log", "customer_id,occurred_at,amount\nc1,2025-01-01,9.5\nc2,2025-01-02,3\n"],
    ["spaces around fields, blank and space-only lines", "a , b,c\n\n 1,2 , 3 \n   \n4,  ,6"],
    ["a row of the wrong length (csv-parse's error)", "a,b,c\n1,2\n"],
    ["quoted fields", 'a,b,c\n"x, y",2,"3"\n'],
    ["Windows line ends", "a,b,c\r\n1,2,3\r\n"],
    ["a tab and a no-break space", "a,b,c\n\t1,2\u00a0,3\n"],
  ])("reads %s as csv-parse does", (_name, text) => {
    expect(ours(text)).toEqual(csvParse(text));
  });

  it.each([
    ["plain text (the fast path)", /^[ab ,\n]{0,40}$/],
    ["text with quotes, CR, tabs and non-ASCII (csv-parse's path)", /^[ab ,\n"\r\té]{0,40}$/],
  ])("agrees with csv-parse on any %s", (_name, alphabet) => {
    fc.assert(
      fc.property(fc.stringMatching(alphabet), (text) => {
        expect(ours(text)).toEqual(csvParse(text));
      }),
      { numRuns: 2000 },
    );
  });
});
