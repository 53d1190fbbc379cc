import type { PurchaseHistory } from "./bgnbd";

export interface Transaction {
  readonly customerId: string;
  /** Calendar day, YYYY-MM-DD. */
  readonly day: string;
  readonly amount: number;
}

export interface CustomerSummary extends PurchaseHistory {
  readonly customerId: string;
  /** Mean value of the repeat purchase days (the first purchase is left out); 0 without repeats. */
  readonly meanSpend: number;
}

const dayMs = 24 * 60 * 60 * 1000;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / dayMs;

/**
 * The model's view of a transaction log: purchases of one customer on one calendar day count as one
 * (their amounts add up), only days up to and including `calibrationEnd` count, and time is in
 * weeks from each customer's first purchase. Customers who first bought after the end are left out.
 */
export function summariseTransactions(
  transactions: Iterable<Transaction>,
  calibrationEnd: string,
): CustomerSummary[] {
  const end = dayNumber(calibrationEnd);
  const byCustomer = new Map<string, Map<number, number>>();
  for (const { customerId, day, amount } of transactions) {
    const number = dayNumber(day);
    if (number > end) continue;
    const days = byCustomer.get(customerId) ?? new Map<number, number>();
    days.set(number, (days.get(number) ?? 0) + amount);
    byCustomer.set(customerId, days);
  }
  return [...byCustomer].map(([customerId, days]) => {
    const ordered = [...days].sort(([left], [right]) => left - right);
    const first = (ordered[0] as [number, number])[0];
    const last = (ordered.at(-1) as [number, number])[0];
    const repeats = ordered.slice(1);
    return {
      customerId,
      x: repeats.length,
      tx: (last - first) / 7,
      T: (end - first) / 7,
      meanSpend:
        repeats.length === 0 ? 0 : repeats.reduce((sum, [, amount]) => sum + amount, 0) / repeats.length,
    };
  });
}
