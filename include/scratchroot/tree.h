/*
 * tree: the manifest written as a directory, atomically.
 *
 * The tree is built in a temporary directory beside DIR
 * (".NAME.scratchroot-PID-XXXXXX") and renamed into place at the end, so
 * that DIR is at any moment either as it was or complete.  Every write goes
 * through a directory fd of the temporary tree, never following a symlink
 * (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS, O_NOFOLLOW, O_EXCL): nothing
 * is ever created outside it.  Regular files are copied with
 * copy_file_range() (reflinks where the filesystem offers them).  Owners are
 * set from the manifest when running as root; modes and mtimes always.
 *
 * On failure or interruption (sr_interrupted, util.h) the
 * temporary tree is removed.  Temporary trees left by a killed run are
 * removed by the next run on the same DIR.
 */
#ifndef SCRATCHROOT_TREE_H
#define SCRATCHROOT_TREE_H

#include <signal.h>
#include <stdbool.h>
#include <time.h>

#include "scratchroot/manifest.h"
#include "scratchroot/root.h"

struct tree_opts {
	time_t mtime;		/* every entry's mtime */
	bool force;		/* replace a DIR that is not empty */
};

struct tree_stats {
	size_t files, links, dirs;
	unsigned long long bytes;
	bool owners_kept;	/* false when not root: files belong to the caller */
};

/*
 * Writes M (sorted) to DIR, which must be absent or an empty directory
 * (any directory with O->force).  File bytes come from root R.  Returns 0
 * and fills *stats (may be NULL), or -errno with "PATH: reason" in err;
 * DIR is then untouched.
 */
int tree_write(const struct manifest *m, const struct root *r, const char *dir,
	       const struct tree_opts *o, struct tree_stats *stats,
	       struct strbuf *err);

/* Removes what runs killed before their end left beside NAME in directory
 * fd PFD: ".NAME.scratchroot-PID-*" whose process is gone. */
void tree_remove_stale(int pfd, const char *name);

/* Removes the tree at NAME under directory fd DFD, never following
 * symlinks.  Returns 0 or -errno. */
int tree_remove(int dfd, const char *name);

#endif
