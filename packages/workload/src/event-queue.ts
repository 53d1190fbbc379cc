/** A binary min-heap ordered by time, then by insertion (so equal times keep a deterministic order). */
export class EventQueue<T> {
  private readonly times: number[] = [];
  private readonly seqs: number[] = [];
  private readonly items: T[] = [];
  private sequence = 0;

  get size(): number {
    return this.items.length;
  }

  /** Time of the earliest entry, or Infinity when empty. */
  peekTime(): number {
    return this.times[0] ?? Number.POSITIVE_INFINITY;
  }

  push(at: number, item: T): void {
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    const seq = this.sequence++;
    let index = items.length;
    times.push(at);
    seqs.push(seq);
    items.push(item);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentAt = times[parent] as number;
      if (parentAt < at || (parentAt === at && (seqs[parent] as number) < seq)) break;
      times[index] = parentAt;
      seqs[index] = seqs[parent] as number;
      items[index] = items[parent] as T;
      index = parent;
    }
    times[index] = at;
    seqs[index] = seq;
    items[index] = item;
  }

  /** Removes and returns the earliest entry; undefined when empty. */
  pop(): T | undefined {
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    const top = items[0];
    if (top === undefined) return undefined;
    const lastAt = times.pop() as number;
    const lastSeq = seqs.pop() as number;
    const last = items.pop() as T;
    const size = items.length;
    if (size === 0) return top;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= size) break;
      const right = left + 1;
      let child = left;
      if (right < size) {
        const rightAt = times[right] as number;
        const leftAt = times[left] as number;
        if (rightAt < leftAt || (rightAt === leftAt && (seqs[right] as number) < (seqs[left] as number)))
          child = right;
      }
      const childAt = times[child] as number;
      if (lastAt < childAt || (lastAt === childAt && lastSeq < (seqs[child] as number))) break;
      times[index] = childAt;
      seqs[index] = seqs[child] as number;
      items[index] = items[child] as T;
      index = child;
    }
    times[index] = lastAt;
    seqs[index] = lastSeq;
    items[index] = last;
    return top;
  }
}
