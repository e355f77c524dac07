/* batch: the inputs walked on several threads; see batch.h. */
#include <config.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "scratchroot/batch.h"
#include "scratchroot/needs.h"

struct batch {
	char *const *files, *const *dests;
	size_t n;
	const struct needs_opts *needs;	/* needs_apply() on the threads, or NULL */
	struct program **progs;	/* each input's program, in input order */
	atomic_size_t next;	/* the next input not yet taken */
};

struct part {
	struct batch *b;
	struct walk *w;
	struct root *root;
	pthread_t thread;
	bool started;
};

/* Takes inputs in turn until none is left. */
static void *walk_part(void *arg)
{
	struct part *pt = arg;
	struct batch *b = pt->b;
	size_t i;

	/* Neighbouring inputs tend to share their closures (a package's
	 * programs sit side by side): they are taken in runs, so that a
	 * closure is walked by one thread, not by all. */
	while (!sr_interrupted && (i = atomic_fetch_add(&b->next, BATCH_RUN)) < b->n) {
		for (size_t end = i + BATCH_RUN < b->n ? i + BATCH_RUN : b->n;
		     i < end && !sr_interrupted; i++) {
			struct program *p = walk_add(pt->w, b->files[i],
						     b->dests ? b->dests[i] : NULL, 0);

			b->progs[i] = p;
			if (program_ok(p))
				needs_prepare(pt->w, p);
			if (program_ok(p) && b->needs)
				needs_apply(pt->w, p, b->needs);
		}
	}
	return NULL;
}

static size_t threads_for(size_t n, unsigned jobs)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t t = jobs ? jobs : cpus > 0 ? (size_t)cpus : 1;

	if (t > BATCH_MAX_THREADS)
		t = BATCH_MAX_THREADS;
	if (t > n / BATCH_MIN_PART)
		t = n / BATCH_MIN_PART;
	return t ? t : 1;
}

void batch_walk(struct walk *w, const char *rootdir, char *const *files,
		char *const *dests, size_t n, unsigned jobs, const struct needs_opts *needs)
{
	struct batch b = { .files = files, .dests = dests, .n = n, .needs = needs };
	struct part parts[BATCH_MAX_THREADS] = { 0 };
	struct walk *walks[BATCH_MAX_THREADS];
	size_t t = threads_for(n, jobs), n_walks = 0, n_done = 0;
	sigset_t all, old;

	b.progs = xcalloc(n + 1, sizeof(*b.progs));
	atomic_init(&b.next, 0);
	/* Signals stay the calling thread's: the others start with all
	 * blocked and see sr_interrupted between inputs. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (size_t k = 1; k < t; k++) {
		parts[k].b = &b;
		if (root_open(rootdir, &parts[k].root, NULL) == 0)
			parts[k].w = walk_new_sibling(w, parts[k].root);
		parts[k].started = parts[k].w &&
				   !pthread_create(&parts[k].thread, NULL, walk_part, &parts[k]);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	/* The calling thread walks too, into a part of its own: every part,
	 * one or several, is merged into W the same way. */
	parts[0].b = &b;
	parts[0].w = walk_new_sibling(w, walk_root(w));
	walk_part(&parts[0]);
	for (size_t k = 0; k < t; k++) {
		if (parts[k].started)
			pthread_join(parts[k].thread, NULL);
		if (parts[k].w)
			walks[n_walks++] = parts[k].w;
	}
	/* An interrupted batch has gaps: the programs walked keep their order. */
	for (size_t i = 0; i < n; i++)
		if (b.progs[i])
			b.progs[n_done++] = b.progs[i];
	walk_merge(w, walks, n_walks, b.progs, n_done);
	for (size_t k = 0; k < t; k++)
		root_free(parts[k].root);
	free(b.progs);
}
