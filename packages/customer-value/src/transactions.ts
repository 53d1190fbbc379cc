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

/**
 * The model's view of a transaction log: purchases of one customer on one calendar day count as one
 * (their amounts add up), only days up to and including `calibrationEnd` count, and time is in
 * weeks from each customer's first purchase. Customers who first bought after the end are left out.
 * Customers come in the order of their first counted purchase in the log.
 */
export function summariseTransactions(
  transactions: Iterable<Transaction>,
  calibrationEnd: string,
): CustomerSummary[] {
  const dayNumbers = new Map<string, number>();
  const dayNumber = (day: string) => {
    let number = dayNumbers.get(day);
    if (number === undefined) {
      number = Date.parse(`${day}T00:00:00Z`) / dayMs;
      dayNumbers.set(day, number);
    }
    return number;
  };
  const end = dayNumber(calibrationEnd);
  // Flat columns rather than a map of days per customer: a million customers stay cheap.
  const customerIds: string[] = [];
  const customerOf = new Map<string, number>();
  const purchaseCustomer: number[] = [];
  const purchaseDay: number[] = [];
  const purchaseAmount: number[] = [];
  for (const { customerId, day, amount } of transactions) {
    const number = dayNumber(day);
    if (number > end) continue;
    let customer = customerOf.get(customerId);
    if (customer === undefined) {
      customer = customerIds.length;
      customerOf.set(customerId, customer);
      customerIds.push(customerId);
    }
    purchaseCustomer.push(customer);
    purchaseDay.push(number);
    purchaseAmount.push(amount);
  }
  const byCustomer = purchasesByCustomer(purchaseCustomer, customerIds.length);
  return customerIds.map((customerId, customer) => {
    // Stable sort: same-day amounts add up in the log's order.
    const purchases = Array.from(
      byCustomer.purchases.subarray(byCustomer.start[customer], byCustomer.start[customer + 1]),
    ).sort((left, right) => (purchaseDay[left] as number) - (purchaseDay[right] as number));
    const days: number[] = [];
    const amounts: number[] = [];
    for (const purchase of purchases) {
      const day = purchaseDay[purchase] as number;
      const amount = purchaseAmount[purchase] as number;
      if (days.at(-1) === day) amounts[amounts.length - 1] = (amounts.at(-1) as number) + amount;
      else {
        days.push(day);
        amounts.push(amount);
      }
    }
    const first = days[0] as number;
    const repeats = amounts.slice(1);
    return {
      customerId,
      x: repeats.length,
      tx: ((days.at(-1) as number) - first) / 7,
      T: (end - first) / 7,
      meanSpend: repeats.length === 0 ? 0 : repeats.reduce((sum, amount) => sum + amount, 0) / repeats.length,
    };
  });
}

/** Each customer's purchases (indices into the columns, in log order), grouped by counting. */
function purchasesByCustomer(purchaseCustomer: readonly number[], customers: number) {
  const start = new Int32Array(customers + 1);
  for (const customer of purchaseCustomer) start[customer + 1] = (start[customer + 1] as number) + 1;
  for (let customer = 0; customer < customers; customer++)
    start[customer + 1] = (start[customer + 1] as number) + (start[customer] as number);
  const next = start.slice(0, customers);
  const purchases = new Int32Array(purchaseCustomer.length);
  purchaseCustomer.forEach((customer, purchase) => {
    purchases[next[customer] as number] = purchase;
    next[customer] = (next[customer] as number) + 1;
  });
  return { start, purchases };
}
