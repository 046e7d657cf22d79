/* Dining philosophers(N): the twin of src/benchmarks/philosophers.ts. Philosopher i takes fork i then
 * fork (i + 1) % N; with -DORDERED it takes the lower-numbered fork first. Left-then-right leaves an
 * invalid end state (every philosopher holds its left fork). spin -DN=5 [-DORDERED] -a philosophers.pml */
#ifndef N
#define N 5
#endif

bit fork[N];
byte meals[N];

proctype philosopher(byte i) {
  byte first = i;
  byte second = (i + 1) % N;
#ifdef ORDERED
  if
  :: second < first -> first = second; second = i
  :: else -> skip
  fi;
#endif
  atomic { fork[first] == 0 -> fork[first] = 1 };
  atomic { fork[second] == 0 -> fork[second] = 1 };
  meals[i] = meals[i] + 1;
  fork[second] = 0;
  fork[first] = 0
}

init {
  byte i = 0;
  atomic {
    do
    :: i < N -> run philosopher(i); i++
    :: else -> break
    od
  }
}
