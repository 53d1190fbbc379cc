/**
 * Which Segment properties and traits may become touchpoint attributes. Traits and properties are
 * free-form, so personal data is recognised by name and dropped (the identifiers that matter are
 * hashed separately); nested objects are dropped too, since their contents cannot be vetted.
 */
const personalData =
  /e-?mail|phone|mobile|fax|name|address|street|city|zip|postal|postcode|birth|age$|gender|^ip$|ssn|passport|password|token|avatar|username|iban|card|lat(itude)?$|lng|lon(gitude)?$|url|referrer|search/i;

/** The touchpoint contract's limits on attributes. */
const maxAttributes = 50;
const maxKeyLength = 100;
const maxValueLength = 1000;

export function isPersonalField(name: string): boolean {
  return personalData.test(name);
}

/**
 * Scalar, non-personal fields of `source` added to `base` until the contract's 50-attribute limit;
 * keys are prefixed so they cannot overwrite what the adapter itself set.
 */
export function safeAttributes(
  base: Record<string, string>,
  source: Record<string, unknown> | undefined,
  prefix: string,
): Record<string, string> {
  const attributes = { ...base };
  for (const [name, value] of Object.entries(source ?? {})) {
    if (Object.keys(attributes).length >= maxAttributes) break;
    const key = `${prefix}${name}`;
    if (key.length > maxKeyLength || isPersonalField(name) || key in attributes) continue;
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") continue;
    const text = String(value).slice(0, maxValueLength);
    if (text.length === 0 || !text.isWellFormed()) continue;
    attributes[key] = text;
  }
  return attributes;
}
