/**
 * A customer's purchase days in memory: pairs of numbers (a UTC epoch day with a purchase, the net
 * amount bought that day in minor units), days distinct and ascending. One list instead of a list of
 * days and one of amounts: it is kept per customer.
 */
export type PurchaseDays = readonly number[];

/** The purchase days as the changelog carries them: two aligned lists. */
export interface PurchaseDayFields {
  /** Distinct calendar days (UTC epoch days) with a purchase, ascending; one day counts once. */
  readonly purchaseDays: number[];
  /** Net amount per purchase day, aligned with purchaseDays (minor units). */
  readonly purchaseDayAmounts: number[];
}

/** Adds a purchase day's amount, keeping days distinct and ascending (touchpoints can arrive late). */
export function addPurchaseDay(list: PurchaseDays, day: number, amount: number): number[] {
  let at = 0;
  while (at < list.length && (list[at] as number) < day) at += 2;
  if (list[at] === day) return list.with(at + 1, (list[at + 1] as number) + amount);
  return list.toSpliced(at, 0, day, amount);
}

/** Both customers' purchase days; a day both bought on counts once, with both amounts. */
export function mergePurchaseDays(left: PurchaseDays, right: PurchaseDays): number[] {
  let merged = left as number[];
  for (let at = 0; at < right.length; at += 2)
    merged = addPurchaseDay(merged, right[at] as number, right[at + 1] as number);
  return merged;
}

/** How many days the customer bought on. */
export const purchaseDayCount = (list: PurchaseDays): number => list.length / 2;

/** The `index`th purchase day (negative from the last), if there is one. */
export const purchaseDay = (list: PurchaseDays, index: number): number | undefined => list.at(2 * index);

/** The net amounts of every purchase day after the first. */
export function repeatAmounts(list: PurchaseDays): number[] {
  const amounts: number[] = [];
  for (let at = 3; at < list.length; at += 2) amounts.push(list[at] as number);
  return amounts;
}

export function purchaseDayFields(list: PurchaseDays): PurchaseDayFields {
  const purchaseDays: number[] = [];
  const purchaseDayAmounts: number[] = [];
  for (let at = 0; at < list.length; at += 2) {
    purchaseDays.push(list[at] as number);
    purchaseDayAmounts.push(list[at + 1] as number);
  }
  return { purchaseDays, purchaseDayAmounts };
}

export function purchaseDaysOfFields({ purchaseDays, purchaseDayAmounts }: PurchaseDayFields): number[] {
  let list: number[] = [];
  for (const [index, day] of purchaseDays.entries())
    list = addPurchaseDay(list, day, purchaseDayAmounts[index] ?? 0);
  return list;
}
