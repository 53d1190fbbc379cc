import type { Transaction } from "@cx/customer-value";
import { csvRows } from "./csv-rows";
import { UsageError } from "./usage-error";

const requiredColumns = ["customer_id", "occurred_at", "amount"] as const;
const dayPrefix = /^(\d{4}-\d{2}-\d{2})(?:$|T)/;

/**
 * Reads `customer_id,occurred_at,amount` (one row per purchase, columns in any order, extra columns
 * ignored). occurred_at is a date or an ISO timestamp; its calendar day is the date as written, i.e.
 * in the zone the timestamp was recorded in. Every problem names its line.
 */
export function parseTransactionsCsv(text: string): Transaction[] {
  return [...readTransactions(text)];
}

/**
 * The transactions of the CSV one at a time, so a million-customer log is never held as objects
 * (the errors are parseTransactionsCsv's, the file's problems before any line's).
 */
export function* readTransactions(text: string): Generator<Transaction> {
  const rows = csvRows(text);
  let header: string[] | undefined;
  try {
    header = rows.next().value ?? undefined;
  } catch (error) {
    throw new UsageError(`the CSV cannot be read: ${(error as Error).message}`);
  }
  if (!header) throw new UsageError("the file is empty; expected a header customer_id,occurred_at,amount");
  const index = Object.fromEntries(
    requiredColumns.map((column) => [column, header.indexOf(column)]),
  ) as Record<(typeof requiredColumns)[number], number>;
  const missing = requiredColumns.filter((column) => index[column] < 0);
  if (missing.length > 0)
    throw new UsageError(`line 1: the header lacks ${missing.join(", ")} (found ${header.join(",")})`);
  const first = rows.next();
  if (first.done) throw new UsageError("the file has a header but no transactions");

  // A log has few distinct days and many purchases on each: check each date once (timestamps,
  // nearly all distinct, are not kept).
  const dayOf = new Map<string, string>();
  let line = 1;
  for (let record: string[] | undefined = first.value; record; record = rows.next().value ?? undefined) {
    line++;
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
    yield { customerId, day, amount };
  }
}
