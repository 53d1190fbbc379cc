/**
 * ClickHouse errors that mean "these rows are wrong" (they will fail again on every retry), as
 * opposed to "the server is unavailable or busy" (retry later). Rows that fail with these go to the
 * dead-letter topic with the message; anything else holds the partition and is retried.
 */
const rejectionTypes = new Set([
  "INCORRECT_DATA",
  "TYPE_MISMATCH",
  "CANNOT_CONVERT_TYPE",
  "CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN",
  "VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE",
  "ARGUMENT_OUT_OF_BOUND",
  "TOO_LARGE_STRING_SIZE",
  "ILLEGAL_COLUMN",
  "INCORRECT_NUMBER_OF_COLUMNS",
]);

export function isRowRejection(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return typeof type === "string" && (type.startsWith("CANNOT_PARSE") || rejectionTypes.has(type));
}

/**
 * Inserts `rows`; if ClickHouse rejects the batch for its data, inserts the rows one by one to find
 * the bad ones and returns them with ClickHouse's reason (the good ones are written). Other errors
 * are thrown, so the caller retries the whole batch.
 */
export async function insertIsolatingRejects<Row>(
  rows: readonly Row[],
  insert: (rows: readonly Row[], token: string) => Promise<void>,
  batchToken: string,
  rowToken: (index: number) => string,
): Promise<{ index: number; reason: string }[]> {
  try {
    await insert(rows, batchToken);
    return [];
  } catch (error) {
    if (!isRowRejection(error)) throw error;
  }
  const rejected: { index: number; reason: string }[] = [];
  for (const [index, row] of rows.entries()) {
    try {
      await insert([row], rowToken(index));
    } catch (error) {
      if (!isRowRejection(error)) throw error;
      rejected.push({
        index,
        reason: `ClickHouse refused the row: ${(error as Error).message.split("\n")[0]}`,
      });
    }
  }
  return rejected;
}
