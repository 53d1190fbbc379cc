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

class BoundedReader {
  private position: number;
  private zeroByteItems = 0;
  private readonly sizes = new WeakMap<AvroTypeShape, number>();

  constructor(
    private readonly buffer: Buffer,
    start: number,
    private readonly bounds: AvroBounds,
  ) {
    this.position = start;
  }

  get remaining(): number {
    return this.buffer.length - this.position;
  }

  check(type: AvroTypeShape, depth: number): void {
    if (depth > this.bounds.maxDepth)
      throw new OutOfBounds(`nested deeper than ${this.bounds.maxDepth} levels`);
    if (type.underlyingType) {
      this.check(type.underlyingType, depth);
      return;
    }
    const { typeName } = type;
    if (typeName === "int" || typeName === "long") this.readLong();
    else if (typeName === "string" || typeName === "bytes") this.skip(this.readLength("length"));
    else if (typeName === "fixed") this.skip(type.size ?? 0);
    else if (typeName in fixedSizes) this.skip(fixedSizes[typeName] as number);
    else if (typeName === "enum") this.checkIndex(type.symbols?.length ?? 0, "enum index");
    else if (typeName === "record" || typeName === "error")
      for (const field of type.fields ?? []) this.check(field.type, depth + 1);
    else if (typeName === "array") this.blocks(type.itemsType as AvroTypeShape, 0, depth);
    else if (typeName === "map") this.blocks(type.valuesType as AvroTypeShape, 1, depth);
    else if (typeName.startsWith("union")) {
      const branches = type.types ?? [];
      this.check(branches[this.checkIndex(branches.length, "union branch")] as AvroTypeShape, depth + 1);
    } else throw new OutOfBounds(`unsupported type ${typeName}`);
  }

  private checkIndex(count: number, what: string): number {
    const index = this.readLong();
    if (index < 0 || index >= count) throw new OutOfBounds(`${what} ${index} out of range`);
    return index;
  }

  /** Array or map blocks: a count (negative: followed by the block's byte size), then the items. */
  private blocks(itemType: AvroTypeShape, keyBytes: number, depth: number): void {
    const itemBytes = keyBytes + minimumBytes(itemType, this.sizes);
    for (;;) {
      let count = this.readLong();
      if (count === 0) return;
      if (count < 0) {
        count = -count;
        this.readLength("block size");
      }
      if (itemBytes > 0 && count * itemBytes > this.remaining)
        throw new OutOfBounds(`a block declares ${count} items but only ${this.remaining} bytes remain`);
      if (itemBytes === 0) {
        this.zeroByteItems += count;
        if (this.zeroByteItems > this.bounds.maxZeroByteItems)
          throw new OutOfBounds(`more than ${this.bounds.maxZeroByteItems} items that take no bytes`);
      }
      for (let item = 0; item < count; item++) {
        if (keyBytes > 0) this.skip(this.readLength("key length"));
        this.check(itemType, depth + 1);
      }
    }
  }

  private readLength(what: string): number {
    const length = this.readLong();
    if (length < 0 || length > this.remaining)
      throw new OutOfBounds(`declared ${what} ${length} but only ${this.remaining} bytes remain`);
    return length;
  }

  private skip(bytes: number): void {
    if (bytes > this.remaining) throw new OutOfBounds(`needs ${bytes} more bytes, ${this.remaining} remain`);
    this.position += bytes;
  }

  /** A zig-zag varint; values beyond ±2^53 cannot be a length or count that fits here anyway. */
  private readLong(): number {
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
    new BoundedReader(buffer, start, bounds).check(type as unknown as AvroTypeShape, 0);
    return undefined;
  } catch (error) {
    if (error instanceof OutOfBounds) return error.message;
    throw error;
  }
}
