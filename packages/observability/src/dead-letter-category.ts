/** Bounded labels for dead-letter reasons, which are free text (they quote parsers and ClickHouse). */
export const deadLetterCategories = [
  "empty_value",
  "not_avro",
  "undecodable",
  "invalid",
  "unreadable_body",
  "clickhouse_rejected",
  "command_refused",
  "undeliverable",
  "too_large",
  "handler_failed",
  "other",
] as const;
export type DeadLetterCategory = (typeof deadLetterCategories)[number];

const rules: readonly [RegExp, DeadLetterCategory][] = [
  [/^empty value/, "empty_value"],
  [/^not in Confluent wire format/, "not_avro"],
  [
    /^(unknown schema id|undecodable with schema id|schema id \d+ (cannot be read|is not an Avro)|decoding failed)/,
    "undecodable",
  ],
  [/^record of \d+ bytes is larger/, "too_large"],
  [/^handler failed/, "handler_failed"],
  [/^invalid:/, "invalid"],
  [/^body is not valid/, "unreadable_body"],
  [/^ClickHouse refused the row/, "clickhouse_rejected"],
  [/^identity command refused/, "command_refused"],
];

/** The category of a dead letter's reason, from the fixed list; `other` for anything new. */
export function deadLetterCategory(reason: string): DeadLetterCategory {
  for (const [pattern, category] of rules) if (pattern.test(reason)) return category;
  return "other";
}
