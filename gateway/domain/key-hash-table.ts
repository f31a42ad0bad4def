/**
 * A compact set of string keys with two integers per key (a value and a tag): each key is kept as two 32-bit
 * hashes in typed arrays (open addressing, linear probing), never as a string, so a million keys take about
 * 34 MB and make no garbage. Two distinct keys whose 64-bit hashes collide count as one (odds about 3 in 10^8 for a million
 * keys): acceptable for reconciliation, where it could at worst hide one difference until the next pass.
 */
export const EMPTY = -1;

export class KeyHashTable {
  private capacity = 1 << 10;
  private used = new Uint8Array(this.capacity);
  private h1 = new Uint32Array(this.capacity);
  private h2 = new Uint32Array(this.capacity);
  private values = new Int32Array(this.capacity).fill(EMPTY);
  private tags = new Int32Array(this.capacity).fill(EMPTY);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The slot of `key`: found, or claimed for it when `insert` (its value then {@link EMPTY}); -1 when absent. */
  slotOf(key: string, insert: boolean): number {
    let a = 0x811c9dc5;
    let b = 0x9747b28c;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    a >>>= 0;
    b >>>= 0;
    if (insert && (this.count + 1) * 2 > this.capacity) this.grow();
    const mask = this.capacity - 1;
    for (let slot = a & mask; ; slot = (slot + 1) & mask) {
      if (this.used[slot] === 0) {
        if (!insert) return -1;
        this.used[slot] = 1;
        this.h1[slot] = a;
        this.h2[slot] = b;
        this.count++;
        return slot;
      }
      if (this.h1[slot] === a && this.h2[slot] === b) return slot;
    }
  }

  value(slot: number): number {
    return this.values[slot]!;
  }

  setValue(slot: number, value: number): void {
    this.values[slot] = value;
  }

  /** The tag of a slot ({@link EMPTY} until set): where the key came from, say. */
  tag(slot: number): number {
    return this.tags[slot]!;
  }

  setTag(slot: number, tag: number): void {
    this.tags[slot] = tag;
  }

  /** Calls `fn` with the value and tag of every key. */
  forEach(fn: (value: number, tag: number) => void): void {
    for (let i = 0; i < this.capacity; i++) if (this.used[i] === 1) fn(this.values[i]!, this.tags[i]!);
  }

  private grow(): void {
    const { used, h1, h2, values, tags } = this;
    this.capacity *= 2;
    this.used = new Uint8Array(this.capacity);
    this.h1 = new Uint32Array(this.capacity);
    this.h2 = new Uint32Array(this.capacity);
    this.values = new Int32Array(this.capacity).fill(EMPTY);
    this.tags = new Int32Array(this.capacity).fill(EMPTY);
    const mask = this.capacity - 1;
    for (let i = 0; i < used.length; i++) {
      if (used[i] === 0) continue;
      let slot = h1[i]! & mask;
      while (this.used[slot] === 1) slot = (slot + 1) & mask;
      this.used[slot] = 1;
      this.h1[slot] = h1[i]!;
      this.h2[slot] = h2[i]!;
      this.values[slot] = values[i]!;
      this.tags[slot] = tags[i]!;
    }
  }
}
