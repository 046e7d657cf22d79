/* readers-writers(R, W): the twin of src/benchmarks/readers-writers.ts (unlocked form).
 * Writer k stores k + 1 into x; reader j loads x and keeps it in seen[j], in two steps.
 * spin -DR=4 -DW=2 -a readers-writers.pml */
#ifndef R
#define R 4
#endif
#ifndef W
#define W 2
#endif

byte x;
byte seen[R];

proctype writer(byte k) {
  x = k + 1
}

proctype reader(byte j) {
  byte v;
  v = x;
  seen[j] = v
}

init {
  byte k = 0;
  atomic {
    do
    :: k < W -> run writer(k); k++
    :: else -> break
    od;
    k = 0;
    do
    :: k < R -> run reader(k); k++
    :: else -> break
    od
  }
}
