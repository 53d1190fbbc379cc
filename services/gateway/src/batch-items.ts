import type { ValidationIssue } from "@cx/contracts";
import { HttpError } from "./http-errors";

/** The array `field` of a batch body, within the batch limit; a wrong shape is answered at once. */
export function batchItems(body: unknown, field: string, maxItems: number, what: string): unknown[] {
  const items = (body as Record<string, unknown> | null)?.[field];
  if (!Array.isArray(items)) throw new HttpError(400, `a batch is an object with an array '${field}'`);
  if (items.length === 0) throw new HttpError(400, `a batch needs at least one ${what}`);
  if (items.length > maxItems)
    throw new HttpError(413, `a batch may hold at most ${maxItems} ${what}s, this one has ${items.length}`);
  return items;
}

export type ItemVerdict<T> =
  | { readonly ok: true; readonly accepted: T[]; readonly result: Record<string, unknown> }
  | { readonly ok: false; readonly issues: ValidationIssue[] };

export interface BatchVerdict<T> {
  readonly accepted: T[];
  /** Indexes of the rejected items with their issues. */
  readonly rejected: { readonly index: number; readonly issues: ValidationIssue[] }[];
  /** One result per item, by index, as the client gets it. */
  readonly results: Record<string, unknown>[];
  /** 202 all accepted, 207 some rejected, 400 all rejected. */
  readonly statusCode: 202 | 207 | 400;
}

/** Sorts a batch's items by their verdicts; each item is judged on its own. */
export function sortBatch<T>(verdicts: readonly ItemVerdict<T>[]): BatchVerdict<T> {
  const accepted: T[] = [];
  const rejected: BatchVerdict<T>["rejected"] = [];
  const results = verdicts.map((verdict, index) => {
    if (verdict.ok) {
      accepted.push(...verdict.accepted);
      return { index, status: "accepted", ...verdict.result };
    }
    rejected.push({ index, issues: verdict.issues });
    return { index, status: "rejected", issues: verdict.issues };
  });
  const statusCode = rejected.length === 0 ? 202 : rejected.length === verdicts.length ? 400 : 207;
  return { accepted, rejected, results, statusCode };
}
