/* The seed bug, v6.6-rc7 (IOCB_DIO_CALLER_COMP): the equivalent of `lockstep check falloc-dio
 * --kernel v6.6-rc7`, reduced to the variables that matter. The task submits an O_DIRECT write
 * through io_uring (inode_dio_begin, submit_bio); its completion, inode_dio_end, is deferred to the
 * task's own task_work, which it runs only on return to user space or while waiting for CQEs. It
 * then calls fallocate, which waits for i_dio_count == 0 in an uninterruptible sleep
 * (fs/inode.c: inode_dio_wait). The interrupt completes the bio and queues the task_work
 * (iomap_dio_bio_end_io -> io_req_normal_work_add). If the interrupt comes after the task is back
 * in user space, the task waits for itself: SPIN reports an invalid end state. */

byte i_dio_count;
bit bio_inflight;
bit task_work_pending;
bit cqe_posted;

active proctype task() {
  /* io_uring_enter -> io_write -> iomap_dio_rw: inode_dio_begin, submit_bio */
  i_dio_count++;
  bio_inflight = 1;
  /* exit_to_user_mode: task_work_run -> io_req_rw_complete -> inode_dio_end, post the CQE */
  if
  :: task_work_pending -> task_work_pending = 0; i_dio_count--; cqe_posted = 1
  :: else -> skip
  fi;
  /* fallocate -> xfs_file_fallocate -> inode_dio_wait: TASK_UNINTERRUPTIBLE until i_dio_count == 0 */
  i_dio_count == 0;
  /* io_uring_enter(GETEVENTS) -> io_cqring_wait: runs task_work until the CQE is there */
  do
  :: task_work_pending -> task_work_pending = 0; i_dio_count--; cqe_posted = 1
  :: cqe_posted -> break
  od
}

active proctype irq() {
  /* nvme0n1 completion interrupt: iomap_dio_bio_end_io, then task_work_add(TWA_SIGNAL) */
  bio_inflight == 1 -> bio_inflight = 0;
  task_work_pending = 1
}
