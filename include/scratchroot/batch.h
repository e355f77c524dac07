/*
 * batch: the inputs of a run walked on as many threads as the machine has
 * cores (at most BATCH_MAX_THREADS).
 *
 * What one input's walk finds depends on that input and the root alone: the
 * caches a walk keeps (parsed objects, lookups, closures) make a large batch
 * cheap, never different.  So each thread has its own walk and its own
 * struct root (same directory, its own descriptor and caches: nothing is
 * shared but the parsed objects), takes the next run of inputs not yet
 * taken, walks them and applies the run-time rules (needs.h).  Each program
 * owns what it found, so the programs are merged back by putting them in
 * the inputs' order: what comes out is what one walk of the batch finds.  A
 * batch too small to pay for threads is walked on the calling thread.
 */
#ifndef SCRATCHROOT_BATCH_H
#define SCRATCHROOT_BATCH_H

#include <stddef.h>

#include "scratchroot/needs.h"
#include "scratchroot/walk.h"

#define BATCH_MAX_THREADS 8
/* Inputs below which another part is not worth a thread. */
#define BATCH_MIN_PART 64
/* Consecutive inputs a thread takes at a time. */
#define BATCH_RUN 16

/*
 * Walks FILES[0..N) into W (which reads the root directory ROOTDIR), each
 * held by the image at DESTS[i] when DESTS and DESTS[i] are not NULL, as
 * walk_add() would one by one, on at most JOBS threads (0: one per core).
 * With NEEDS given, the run-time rules are applied to each program that
 * walked (needs_apply()).  Stops early when sr_interrupted is set.
 */
void batch_walk(struct walk *w, const char *rootdir, char *const *files,
		char *const *dests, size_t n, unsigned jobs, const struct needs_opts *needs);

#endif
