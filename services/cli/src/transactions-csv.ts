import type { Transaction } from "@cx/customer-value";
import { readCsvRows } from "./csv-rows";
import { UsageError } from "./usage-error";

const requiredColumns = ["customer_id", "occurred_at", "amount"] as const;
const dayPrefix = /^(\d{4}-\d{2}-\d{2})(?:$|T)/;

/**
 * Reads `customer_id,occurred_at,amount` (one row per purchase, columns in any order, extra columns
 * ignored). occurred_at is a date or an ISO timestamp; its calendar day is the date as written, i.e.
 * in the zone the timestamp was recorded in. Every problem names its line.
 */
export function parseTransactionsCsv(text: string): Transaction[] {
  let rows: string[][];
  try {
    rows = readCsvRows(text);
  } catch (error) {
    throw new UsageError(`the CSV cannot be read: ${(error as Error).message}`);
  }
  const [header, ...records] = rows;
  if (!header) throw new UsageError("the file is empty; expected a header customer_id,occurred_at,amount");
  const index = Object.fromEntries(
    requiredColumns.map((column) => [column, header.indexOf(column)]),
  ) as Record<(typeof requiredColumns)[number], number>;
  const missing = requiredColumns.filter((column) => index[column] < 0);
  if (missing.length > 0)
    throw new UsageError(`line 1: the header lacks ${missing.join(", ")} (found ${header.join(",")})`);
  if (records.length === 0) throw new UsageError("the file has a header but no transactions");

  // A log has few distinct days and many purchases on each: check each date once (timestamps,
  // nearly all distinct, are not kept).
  const dayOf = new Map<string, string>();
  return records.map((record, position) => {
    const line = position + 2;
    const customerId = record[index.customer_id] ?? "";
    const occurredAt = record[index.occurred_at] ?? "";
    const amountText = record[index.amount] ?? "";
    if (customerId === "") throw new UsageError(`line ${line}: customer_id is empty`);
    let day = dayOf.get(occurredAt);
    if (day === undefined) {
      day = dayPrefix.exec(occurredAt)?.[1];
      if (
        !day ||
        Number.isNaN(Date.parse(occurredAt.length === 10 ? `${occurredAt}T00:00:00Z` : occurredAt))
      ) {
        throw new UsageError(
          `line ${line}: occurred_at ${JSON.stringify(occurredAt)} is not a date (YYYY-MM-DD) or ISO timestamp`,
        );
      }
      if (occurredAt.length === 10) dayOf.set(occurredAt, day);
    }
    const amount = Number(amountText);
    if (amountText === "" || !Number.isFinite(amount)) {
      throw new UsageError(`line ${line}: amount ${JSON.stringify(amountText)} is not a number`);
    }
    if (amount < 0)
      throw new UsageError(`line ${line}: amount ${amount} is negative; only purchases belong in this file`);
    return { customerId, day, amount };
  });
}
