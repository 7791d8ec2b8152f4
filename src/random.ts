/** Seeded random numbers: one generator per run, split into independent named streams. */

/** A small, fast 32-bit generator (mulberry32) whose whole state is one integer, so it can be saved and restored. */
export class Random {
  constructor(private state: number) {
    this.state = state >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A 31-bit seed for libraries that take their own (tfjs initializers). */
  seed(): number {
    return Math.floor(this.next() * 0x7fffffff);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: number }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** The whole state, to checkpoint; `restore` continues the sequence from it exactly. */
  get currentState(): number {
    return this.state;
  }

  restore(state: number): void {
    this.state = state >>> 0;
  }
}

/** Derives a stream's generator from the run seed and the stream's name, so adding a stream changes no other. */
export function stream(seed: number, name: string): Random {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < name.length; i++) {
    h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  }
  // Mix the seed in again so seeds that differ in low bits give unrelated streams.
  return new Random(Math.imul(h ^ (h >>> 16), 0x85ebca6b) ^ seed);
}

/** An index permutation [0, n) in the order a seeded shuffle gives. */
export function permutation(n: number, random: Random): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return random.shuffle(order);
}
