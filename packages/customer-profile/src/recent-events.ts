/**
 * How many touchpoint and merge ids a profile remembers. Redelivery after a crash replays only what
 * came after the last commit, and a channel system retries a touchpoint within minutes, so this
 * bounds both memory and the window in which a duplicate could slip through.
 */
export const rememberedEventIds = 256;

const twoTo32 = 2 ** 32;

/**
 * A 52-bit hash of an event id (two 32-bit multiply-xorshift lanes over the UTF-16 code units), which
 * is what a profile remembers instead of the id: one unboxed double in an array instead of a string
 * per touchpoint. 52 bits so that Avro's long (avsc: safe integers) carries it exactly; with 256
 * remembered, a new touchpoint is mistaken for one seen before about once in 1.7·10^13.
 */
export function eventIdHash(eventId: string): number {
  let high = 0xdeadbeef;
  let low = 0x41c6ce57;
  for (let index = 0; index < eventId.length; index++) {
    const unit = eventId.charCodeAt(index);
    high = Math.imul(high ^ unit, 2654435761);
    low = Math.imul(low ^ unit, 1597334677);
  }
  high = Math.imul(high ^ (high >>> 16), 2246822507) ^ Math.imul(low ^ (low >>> 13), 3266489909);
  low = Math.imul(low ^ (low >>> 16), 2246822507) ^ Math.imul(high ^ (high >>> 13), 3266489909);
  return (high & 0xfffff) * twoTo32 + (low >>> 0);
}

/** The hash a merge is remembered by, apart from any touchpoint's. */
export const mergeIdHash = (mergeId: string): number => eventIdHash(`merge:${mergeId}`);

/**
 * The hashes remembered after one more: the newest `rememberedEventIds`, in arrival order. concat
 * sizes the array exactly (a push reserves room), as it is kept per customer.
 */
export function rememberEvent(hashes: readonly number[], hash: number): number[] {
  const kept =
    hashes.length < rememberedEventIds ? hashes : hashes.slice(hashes.length - rememberedEventIds + 1);
  return kept.concat(hash);
}

/**
 * Both customers' remembered hashes, each once, the newest `rememberedEventIds` (a merge). Built
 * with concat and filter, which keep the numbers unboxed (an array spread from a Set boxes each).
 */
export function unionRecentEvents(left: readonly number[], right: readonly number[]): number[] {
  return left.concat(right.filter((hash) => !left.includes(hash))).slice(-rememberedEventIds);
}

/**
 * Remembered hashes with the ids a record written before hashes remembered (older than any hash:
 * such a record has ids only), each once, the newest `rememberedEventIds`.
 */
export function withRememberedIds(hashes: number[], ids: readonly string[]): number[] {
  return ids.length === 0 ? hashes : unionRecentEvents(ids.map(eventIdHash), hashes);
}
