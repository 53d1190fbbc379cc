import { z } from "zod";

/** "a, b,c" → ["a","b","c"]; empty entries are an error rather than silently skipped. */
export const commaSeparatedList = z
  .string()
  .transform((raw) => raw.split(",").map((entry) => entry.trim()))
  .refine(
    (entries) => entries.every((entry) => entry.length > 0),
    "must be a comma-separated list with no empty entries",
  );

export const positiveInt = z.coerce.number().int().positive();
