/**
 * A small deterministic PRNG (sfc32, Chris Doty-Humphrey's Small Fast Counting generator).
 * Strategies own their PRNG; the engine and the model never draw random numbers.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Seeds the generator from a safe integer (both 32-bit halves count), warmed up so nearby seeds diverge. */
  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88 ^ (Math.floor(seed / 0x100000000) >>> 0);
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 16; i++) this.nextU32();
  }

  /** Next unsigned 32-bit integer. */
  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform integer in [0, n); n must be a positive integer below 2^32. */
  below(n: number): number {
    // Rejection sampling keeps the distribution exactly uniform.
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** A copy in the same state (strategies clone themselves). */
  clone(): Prng {
    const p = Object.create(Prng.prototype) as Prng;
    p.a = this.a;
    p.b = this.b;
    p.c = this.c;
    p.d = this.d;
    return p;
  }
}
