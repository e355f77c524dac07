/*
 * tree: the manifest written as a directory.
 *
 * Every write goes through directory fds below the given top directory,
 * never following a symlink (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS,
 * O_NOFOLLOW, O_EXCL): nothing is ever created outside it.  Regular files
 * are copied with copy_file_range() (reflinks where the filesystem offers
 * them), or hard-linked from their staged copy (shrink.h) when it lies on
 * the same filesystem.  Owners are set from the manifest when running as
 * root; modes and mtimes always.  The top directory is a temporary that
 * output.h publishes: this module only fills it.  On failure or
 * interruption (sr_interrupted, util.h) it stops with an error; the caller
 * aborts the output.
 */
#ifndef SCRATCHROOT_TREE_H
#define SCRATCHROOT_TREE_H

#include <signal.h>
#include <stdbool.h>
#include <time.h>

#include "scratchroot/manifest.h"
#include "scratchroot/root.h"

struct tree_stats {
	size_t files, links, dirs;
	unsigned long long bytes;
	bool owners_kept;	/* false when not root: files belong to the caller */
};

/*
 * Writes M (sorted) into the empty directory open as TOP (named NAME in
 * messages).  File bytes come from root R or M's staged copies; every entry
 * gets MTIME.  Returns 0 and fills *stats (may be NULL), or -errno with
 * "'PATH': reason" in err.
 */
int tree_write(const struct manifest *m, const struct root *r, int top, const char *name,
	       time_t mtime, struct tree_stats *stats, struct strbuf *err);

/* Gives the top directory TOP its mode and MTIME: the last step, once
 * nothing is added to it or taken out (the staging directory). */
int tree_finish(int top, const char *name, time_t mtime, struct strbuf *err);

#endif
