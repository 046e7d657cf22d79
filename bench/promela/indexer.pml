/* indexer(N) (Flanagan and Godefroid, POPL 2005): the twin of src/benchmarks/indexer.ts.
 * Thread tid inserts w = m * 11 + tid for m = 1..MAX at h = (w * 7) % SIZE, probing h + 1 while
 * the compare-and-swap cas(table[h], 0, w) fails; the CAS is one atomic step. spin -DN=13 -a indexer.pml */
#ifndef N
#define N 13
#endif
#ifndef SIZE
#define SIZE 128
#endif
#ifndef MAX
#define MAX 4
#endif

byte table[SIZE];

proctype indexer(byte tid) {
  byte m = 1;
  byte w;
  byte h;
  bit ok;
  do
  :: m <= MAX ->
    w = m * 11 + tid;
    h = (w * 7) % SIZE;
    do
    :: atomic { if :: table[h] == 0 -> table[h] = w; ok = 1 :: else -> ok = 0 fi };
       if
       :: ok -> break
       :: else -> h = (h + 1) % SIZE
       fi
    od;
    m++
  :: else -> break
  od
}

init {
  byte tid = 0;
  atomic {
    do
    :: tid < N -> run indexer(tid); tid++
    :: else -> break
    od
  }
}
