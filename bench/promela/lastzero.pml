/* lastzero(N) (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014): the twin of src/benchmarks/lastzero.ts.
 * array[0..N] starts zeroed; the reader scans i = N down until array[i] == 0; writer j sets
 * array[j] = array[j-1] + 1, a read and a write in separate steps. spin -DN=5 -a lastzero.pml */
#ifndef N
#define N 5
#endif

byte array[N + 1];

proctype reader() {
  byte i = N;
  do
  :: array[i] != 0 -> i--
  :: else -> break
  od
}

proctype writer(byte j) {
  byte prev;
  prev = array[j - 1];
  array[j] = prev + 1
}

init {
  byte j = 1;
  atomic {
    run reader();
    do
    :: j <= N -> run writer(j); j++
    :: else -> break
    od
  }
}
