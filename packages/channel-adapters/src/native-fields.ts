import { z } from "zod";

/** Field types shared by the native event schemas of every channel. */

export const text = (max: number) =>
  z
    .string()
    .min(1, "must not be empty")
    .max(max)
    .refine((value) => value.isWellFormed(), "contains invalid unicode (a lone surrogate)");

/** An ISO 8601 instant with a zone (Z or ±hh:mm), as epoch milliseconds. */
export const isoInstant = z
  .string()
  .max(40)
  .transform((value, context) => {
    const millis = Date.parse(value);
    if (
      !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ||
      Number.isNaN(millis)
    ) {
      context.addIssue({
        code: "custom",
        message: "must be an ISO 8601 time with a zone, e.g. 2026-10-17T16:42:05+02:00",
      });
      return z.NEVER;
    }
    return millis;
  });

/**
 * Money in major units (19.99) as channel systems send it, turned into whole minor units (1999).
 * Prices, discounts and order values are never negative (a return says so by its kind). The bound
 * keeps a receipt's total, at most 500 lines of at most `maxQuantity` each, a safe integer.
 */
export const majorUnits = z
  .number()
  .min(0, "must not be negative")
  .lt(1e7, "is implausibly large (10,000,000 or more)")
  .transform((value) => Math.round(value * 100));

/** The most of one article on one receipt line (Avro int, and with majorUnits a safe total). */
export const maxQuantity = 10_000;

export const currencyCode = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as EUR");
export const sentimentScore = z.number().min(-1).max(1);
export const starRating = z.number().int().min(1).max(5);

/** Query strings can carry emails, tokens and search terms: only the path itself is kept. */
export const pathOnly = (path: string) => path.split(/[?#]/)[0] ?? "";
