#include <malloc.h>

#include "cli/cli.h"

int main(int argc, char** argv) {
  // glibc gives large allocations their own memory maps (above a threshold that moves with
  // use) and returns freed memory at the top of the heap to the kernel, so each run of an
  // export faults its buffers in afresh, a page at a time: a third of the CPU of a day exported
  // as 24 hourly runs (issue #19's note). With fixed, higher thresholds a run reuses what the
  // last one freed; the peak stays what the busiest moment needs.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  return bx::RunCli(argc, argv);
}
