/*
 * output: how everything the tool writes appears: complete, or not at all.
 *
 * A directory (-o DIR, --oci DIR, a fresh --debug-dir) is built in a
 * temporary directory beside it, ".NAME.scratchroot-XXXXXXXXXXXXXXXX"
 * (random), and renamed into place at the end, or exchanged with the old
 * DIR under --force (RENAME_EXCHANGE) and the old tree removed.  A regular
 * file (--tar FILE) is written to a temporary file beside it and renamed.
 * Whoever writes into a temporary holds an flock on it for as long as it
 * lives: a leftover whose lock can be taken belongs to a run that died, and
 * is removed by the next run on the same name, but only when the caller's
 * user made it; the check works across PID namespaces (two containers on
 * one volume), where process IDs mean nothing.
 *
 * What cannot be renamed is written in place, and says so: a FILE that is
 * not a regular file (a device, a FIFO, a symlink to one, "-" for stdout)
 * is opened for writing as it is, never replaced; a DIR that is an empty
 * mount point (a volume) is filled through a temporary directory inside it
 * whose entries are moved up one by one, so it is whole only once the last
 * one is in.  An existing directory given to output_merge() (a debug
 * directory that accumulates) gets each file by temporary name and rename.
 *
 * Guards: an output is refused when it is, contains or replaces something
 * the run reads (an input, the sysroot) or lies inside the sysroot.
 */
#ifndef SCRATCHROOT_OUTPUT_H
#define SCRATCHROOT_OUTPUT_H

#include <stdbool.h>
#include <sys/types.h>

#include "scratchroot/util.h"

/* What an output must not be, contain or lie in. */
struct output_guards {
	struct output_guard {
		dev_t dev;
		ino_t ino;
		const char *what;	/* "the sysroot", "input '/usr/bin/curl'" */
		bool is_root;		/* the sysroot: nothing may be written inside */
	} *v;
	size_t n, alloc;
	struct strmap seen;	/* "dev:ino" of every entry -> its index + 1 */
	struct arena arena;	/* the WHAT strings */
};
#define OUTPUT_GUARDS_INIT { NULL, 0, 0, STRMAP_INIT, ARENA_INIT }

/* Adds PATH and every directory above it (to "/"), as WHAT (copied);
 * IS_ROOT for the sysroot.  A path that cannot be opened adds nothing. */
void output_guard(struct output_guards *g, const char *path, const char *what, bool is_root);
void output_guards_release(struct output_guards *g);

enum output_kind { OUTPUT_DIR, OUTPUT_FILE };

struct output {
	char *path;		/* as given, for messages */
	enum output_kind kind;
	int pfd;		/* the directory it is published in, or -1 */
	char *name;		/* its name there */
	char *tmp;		/* the temporary's name (in pfd, or in fd for a
				 * mount point), NULL when written in place */
	int fd;			/* where to write: the temporary directory or
				 * file, the existing directory or file */
	int mnt_fd;		/* a mount point DIR, filled in place, or -1 */
	bool exists;		/* DIR or FILE was there */
	bool force;
	bool stream;		/* not a regular file: written as it is */
	bool merge;		/* an existing directory written into */
};

/* Output DIR: absent or empty, or any directory with FORCE.  Returns 0 with
 * O ready (o->fd the directory to fill), or -errno with the reason in err. */
int output_dir(struct output *o, const char *path, bool force, const struct output_guards *g,
	       struct strbuf *err);

/* The same, but an existing DIR is written into (output_place()). */
int output_merge(struct output *o, const char *path, const struct output_guards *g,
		 struct strbuf *err);

/* Output FILE ("-": stdout): an existing regular FILE only with FORCE. */
int output_file(struct output *o, const char *path, bool force, const struct output_guards *g,
		struct strbuf *err);

/* A scratch directory that is never published (staging), ".scratchroot-"
 * and random digits in the directory open as DFD, whose path is PARENT:
 * inside a directory output's temporary, so that a killed run leaves one
 * temporary, and what is staged can be hard-linked into the tree.
 * Aborting it removes it. */
int output_scratch(struct output *o, int dfd, const char *parent, struct strbuf *err);

/* Writes the LEN-byte file REL (a relative path with no "." or ".."
 * component) into directory output O from the open file SRC (read from
 * its start), its parent directories made on the way, none followed if it
 * is a symlink, through a temporary name and a rename.  Returns 0 or
 * -errno with the reason in err. */
int output_place(struct output *o, const char *rel, int src, mode_t mode, struct strbuf *err);

/* Publishes O (rename, exchange, or the entries moved up).  Returns 0 or
 * -errno; O is aborted on failure. */
int output_commit(struct output *o, struct strbuf *err);

/* Removes O's temporary (nothing when published) and closes it. */
void output_abort(struct output *o);

/* Removes the tree NAME in directory DFD, never following a symlink.
 * Returns 0 or -errno. */
int output_remove_tree(int dfd, const char *name);

#endif
