/* filesystem(N) (Flanagan and Godefroid, POPL 2005, figure 6): the twin of src/benchmarks/filesystem.ts.
 * Thread tid takes inode i = tid % NUMINODE under locki[i]; if it has no block, it scans the blocks
 * from (i * 2) % NUMBLOCKS, taking lockb[b] around the test and set of busy[b].
 * spin -DN=14 -a filesystem.pml */
#ifndef N
#define N 14
#endif
#ifndef NUMBLOCKS
#define NUMBLOCKS 26
#endif
#ifndef NUMINODE
#define NUMINODE 32
#endif

bit locki[NUMINODE];
byte inode[NUMINODE];
bit lockb[NUMBLOCKS];
bit busy[NUMBLOCKS];

proctype fs(byte tid) {
  byte i = tid % NUMINODE;
  byte b;
  atomic { locki[i] == 0 -> locki[i] = 1 };
  if
  :: inode[i] == 0 ->
    b = (i * 2) % NUMBLOCKS;
    do
    :: atomic { lockb[b] == 0 -> lockb[b] = 1 };
       if
       :: busy[b] == 0 -> busy[b] = 1; inode[i] = b + 1; lockb[b] = 0; break
       :: else -> lockb[b] = 0; b = (b + 1) % NUMBLOCKS
       fi
    od
  :: else -> skip
  fi;
  locki[i] = 0
}

init {
  byte tid = 0;
  atomic {
    do
    :: tid < N -> run fs(tid); tid++
    :: else -> break
    od
  }
}
