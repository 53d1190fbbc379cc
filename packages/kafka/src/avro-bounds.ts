import type avro from "avsc";

/**
 * avsc trusts the lengths and counts a record declares: an array block that claims two billion
 * items in a 59-byte record makes it allocate until the heap is gone. Before decoding, this walks
 * the bytes with the writer's schema and checks every declared length and count against the bytes
 * that remain, without allocating, so the work is bounded by the record's size.
 */

export interface AvroBounds {
  /** Items of a type that takes no bytes (null, an empty record) allowed in one record. */
  readonly maxZeroByteItems: number;
  /** Nesting of recursive types allowed. */
  readonly maxDepth: number;
}

export const defaultAvroBounds: AvroBounds = { maxZeroByteItems: 100_000, maxDepth: 64 };

class OutOfBounds extends Error {}

interface AvroTypeShape {
  readonly typeName: string;
  readonly fields?: readonly { readonly type: AvroTypeShape }[];
  readonly itemsType?: AvroTypeShape;
  readonly valuesType?: AvroTypeShape;
  readonly types?: readonly AvroTypeShape[];
  readonly symbols?: readonly string[];
  readonly size?: number;
  readonly underlyingType?: AvroTypeShape;
}

const fixedSizes: Record<string, number> = { null: 0, boolean: 1, float: 4, double: 8 };

/** The fewest bytes a value of the type can take (recursion counted as 0, which errs on the safe side). */
function minimumBytes(type: AvroTypeShape, known: WeakMap<AvroTypeShape, number>): number {
  const cached = known.get(type);
  if (cached !== undefined) return cached;
  known.set(type, 0);
  let bytes: number;
  if (type.underlyingType) bytes = minimumBytes(type.underlyingType, known);
  else if (type.typeName in fixedSizes) bytes = fixedSizes[type.typeName] as number;
  else if (type.typeName === "fixed") bytes = type.size ?? 0;
  else if (type.typeName === "record" || type.typeName === "error")
    bytes = (type.fields ?? []).reduce((sum, field) => sum + minimumBytes(field.type, known), 0);
  else bytes = 1; // int, long, string, bytes, enum, union branch index, array/map block count
  known.set(type, bytes);
  return bytes;
}

/** Where a check is in the record's bytes, and what it has counted so far. */
class Cursor {
  zeroByteItems = 0;

  constructor(
    readonly buffer: Buffer,
    public position: number,
    readonly bounds: AvroBounds,
  ) {}

  get remaining(): number {
    return this.buffer.length - this.position;
  }

  readIndex(count: number, what: string): number {
    const index = this.readLong();
    if (index < 0 || index >= count) throw new OutOfBounds(`${what} ${index} out of range`);
    return index;
  }

  readLength(what: string): number {
    const length = this.readLong();
    if (length < 0 || length > this.remaining)
      throw new OutOfBounds(`declared ${what} ${length} but only ${this.remaining} bytes remain`);
    return length;
  }

  skip(bytes: number): void {
    if (bytes > this.remaining) throw new OutOfBounds(`needs ${bytes} more bytes, ${this.remaining} remain`);
    this.position += bytes;
  }

  /** A zig-zag varint; values beyond ±2^53 cannot be a length or count that fits here anyway. */
  readLong(): number {
    // Most lengths, counts and indexes take one byte.
    const first = this.buffer[this.position];
    if (first !== undefined && first < 0x80) {
      this.position++;
      return first & 1 ? -((first + 1) >>> 1) : first >>> 1;
    }
    let result = 0;
    let multiplier = 1;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.position >= this.buffer.length) throw new OutOfBounds("ends inside a number");
      const byte = this.buffer[this.position++] as number;
      result += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
      multiplier *= 128;
    }
    throw new OutOfBounds("a number longer than 10 bytes");
  }
}

/** Checks one value of a type at the cursor; `depth` is how deeply it is nested. */
type Check = (cursor: Cursor, depth: number) => void;

/**
 * Each schema is turned into checks once and kept with it: every record of a topic has the same
 * writer's schema, and dispatching on the type's name for every value of every record cost about
 * three times avsc's own decoding.
 */
const compiledChecks = new WeakMap<AvroTypeShape, Check>();

function checkFor(type: AvroTypeShape): Check {
  const known = compiledChecks.get(type);
  if (known) return known;
  // A recursive type reaches itself while it is compiled: it gets this stand-in, which calls the
  // finished check.
  let finished: Check | undefined;
  compiledChecks.set(type, (cursor, depth) => (finished as Check)(cursor, depth));
  try {
    finished = compile(type);
  } catch (error) {
    compiledChecks.delete(type);
    throw error;
  }
  compiledChecks.set(type, finished);
  return finished;
}

/** Containers call this first: recursion runs through them, so they bound the nesting. */
function enter(cursor: Cursor, depth: number): void {
  if (depth > cursor.bounds.maxDepth)
    throw new OutOfBounds(`nested deeper than ${cursor.bounds.maxDepth} levels`);
}

function compile(type: AvroTypeShape): Check {
  if (type.underlyingType) return checkFor(type.underlyingType);
  const { typeName } = type;
  // Leaves hold no other value, so only the containers below count the depth (recursion runs
  // through them); a wrapper per leaf was a third of the walk.
  if (typeName === "int" || typeName === "long") return (cursor) => void cursor.readLong();
  if (typeName === "string" || typeName === "bytes")
    return (cursor) => cursor.skip(cursor.readLength("length"));
  if (typeName === "fixed" || typeName in fixedSizes) {
    const bytes = typeName === "fixed" ? (type.size ?? 0) : (fixedSizes[typeName] as number);
    return (cursor) => cursor.skip(bytes);
  }
  if (typeName === "enum") {
    const symbols = type.symbols?.length ?? 0;
    return (cursor) => void cursor.readIndex(symbols, "enum index");
  }
  if (typeName === "record" || typeName === "error") {
    const fields = (type.fields ?? []).map((field) => checkFor(field.type));
    return (cursor, depth) => {
      enter(cursor, depth);
      for (const field of fields) field(cursor, depth + 1);
    };
  }
  if (typeName === "array") return blocks(type.itemsType as AvroTypeShape, 0);
  if (typeName === "map") return blocks(type.valuesType as AvroTypeShape, 1);
  if (typeName.startsWith("union")) {
    const branches = (type.types ?? []).map((branch) =>
      branch.typeName === "null" ? undefined : checkFor(branch),
    );
    return (cursor, depth) => {
      enter(cursor, depth);
      // A null branch (most unions are optional fields) has nothing more to check.
      branches[cursor.readIndex(branches.length, "union branch")]?.(cursor, depth + 1);
    };
  }
  throw new OutOfBounds(`unsupported type ${typeName}`);
}

/** Array or map blocks: a count (negative: followed by the block's byte size), then the items. */
function blocks(itemType: AvroTypeShape, keyBytes: number): Check {
  const item = checkFor(itemType);
  const itemBytes = keyBytes + minimumBytes(itemType, new WeakMap());
  return (cursor, depth) => {
    enter(cursor, depth);
    for (;;) {
      let count = cursor.readLong();
      if (count === 0) return;
      if (count < 0) {
        count = -count;
        cursor.readLength("block size");
      }
      if (itemBytes > 0 && count * itemBytes > cursor.remaining)
        throw new OutOfBounds(`a block declares ${count} items but only ${cursor.remaining} bytes remain`);
      if (itemBytes === 0) {
        cursor.zeroByteItems += count;
        if (cursor.zeroByteItems > cursor.bounds.maxZeroByteItems)
          throw new OutOfBounds(`more than ${cursor.bounds.maxZeroByteItems} items that take no bytes`);
      }
      for (let index = 0; index < count; index++) {
        if (keyBytes > 0) cursor.skip(cursor.readLength("key length"));
        item(cursor, depth + 1);
      }
    }
  };
}

/**
 * Checks `buffer` from `start` against `type` (the writer's schema): undefined when every length
 * and count it declares fits in the bytes it has, else why not.
 */
export function avroBoundsProblem(
  type: avro.Type,
  buffer: Buffer,
  start: number,
  bounds: AvroBounds = defaultAvroBounds,
): string | undefined {
  try {
    checkFor(type as unknown as AvroTypeShape)(new Cursor(buffer, start, bounds), 0);
    return undefined;
  } catch (error) {
    if (error instanceof OutOfBounds) return error.message;
    throw error;
  }
}
