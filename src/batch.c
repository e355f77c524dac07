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
	bool notes;
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
	struct walk *w = pt->w;
	size_t i;

	/* Neighbouring inputs tend to share their closures (a package's
	 * programs sit side by side): they are taken in runs, so that a
	 * closure is walked by one thread, not by all. */
	while (!sr_interrupted && (i = atomic_fetch_add(&b->next, BATCH_RUN)) < b->n) {
		for (size_t end = i + BATCH_RUN < b->n ? i + BATCH_RUN : b->n;
		     i < end && !sr_interrupted; i++) {
			struct program *p;

			walk_add_as(w, b->files[i], b->dests ? b->dests[i] : NULL);
			p = w->progs[w->n_progs - 1];
			p->seq = i;
			if (!p->ok)
				continue;
			needs_prepare(w, p);
			if (!b->needs)
				continue;
			p->needs_from = w->n_problems;
			p->notes_from = w->notes.n;
			needs_apply(w, p, b->needs, b->notes ? &w->notes : NULL);
			p->needs_to = w->n_problems;
			p->notes_to = w->notes.n;
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

/* A part's walk, on a root of its own (same directory), or NULL. */
static struct walk *sibling(const struct walk *w, const char *rootdir, struct root **root)
{
	if (root_open(rootdir, root, NULL) < 0)
		return NULL;
	return walk_new_sibling(w, *root);
}

void batch_walk(struct walk *w, const char *rootdir, char *const *files,
		char *const *dests, size_t n, unsigned jobs,
		const struct needs_opts *needs, bool notes)
{
	struct batch b = { .files = files, .dests = dests, .n = n, .needs = needs,
			   .notes = notes };
	struct part parts[BATCH_MAX_THREADS] = { 0 };
	struct walk *walks[BATCH_MAX_THREADS];
	size_t t = threads_for(n, jobs), n_walks = 0;
	sigset_t all, old;

	atomic_init(&b.next, 0);
	/* Signals stay the calling thread's: the others start with all
	 * blocked and see sr_interrupted between inputs. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (size_t k = 1; k < t; k++) {
		parts[k].b = &b;
		parts[k].w = sibling(w, rootdir, &parts[k].root);
		parts[k].started = parts[k].w &&
				   !pthread_create(&parts[k].thread, NULL, walk_part, &parts[k]);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	/* The calling thread walks too, into a part of its own: every part,
	 * one or several, is merged into W the same way. */
	parts[0].b = &b;
	parts[0].w = walk_new_sibling(w, w->root);
	walk_part(&parts[0]);
	for (size_t k = 0; k < t; k++) {
		if (parts[k].started)
			pthread_join(parts[k].thread, NULL);
		if (parts[k].w)
			walks[n_walks++] = parts[k].w;
	}
	walk_merge(w, walks, n_walks);
	for (size_t k = 0; k < t; k++)
		root_free(parts[k].root);
}
