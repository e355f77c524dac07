/*
 * image: decides what the image holds, as manifest entries.
 *
 * From the walk: every file and symlink each program needs, at its own path,
 * with the directories above it (modes from the source root).  A program
 * given as FILE:DEST goes to DEST, and the libraries it finds through its
 * own $ORIGIN (directly or through a library that moved with it) follow it
 * so that the same DT_RUNPATH/DT_RPATH still finds them.  --add trees are
 * copied as they are.  Base files follow the distroless conventions:
 * /etc/passwd and /etc/group (root, nobody, nonroot), /tmp 1777, and
 * /home/nonroot 0700 owned by 65532.
 *
 * Set-id bits are dropped (with a warning) unless asked to keep them.  The
 * decisions are recorded in each entry's reason; nothing here writes.
 */
#ifndef SCRATCHROOT_IMAGE_H
#define SCRATCHROOT_IMAGE_H

#include <stdbool.h>

#include "scratchroot/manifest.h"
#include "scratchroot/walk.h"

struct image_opts {
	bool base;		/* add the distroless base files */
	bool keep_setid;	/* keep set-user-ID and set-group-ID bits */
};

/* A problem found while deciding: WARNING lines do not fail the job. */
struct image_problems {
	struct strlist errors;
	struct strlist warnings;
};

/*
 * Adds to M everything the programs of W need, then the base files.
 * Problems are appended to P as "PATH\tmessage" lines.  Returns 0, or -1
 * when an error was recorded.
 */
int image_from_walk(struct manifest *m, const struct walk *w,
		    const struct image_opts *o, struct image_problems *p);

/*
 * Adds the file or tree SRC of root R at DEST (NULL: SRC's own path):
 * directories, regular files and symlinks as they are, after the same
 * set-id rule.  Devices, FIFOs and sockets are refused.  For each ELF
 * regular file found, its canonical source path goes to ELF_SRC and its
 * image path to ELF_DEST, so that the caller can walk it.  Returns 0 or -1
 * (problem recorded).
 */
int image_add_tree(struct manifest *m, const struct root *r, const char *src,
		   const char *dest, const struct image_opts *o,
		   struct strlist *elf_src, struct strlist *elf_dest,
		   struct image_problems *p);

void image_add_base(struct manifest *m, struct image_problems *p);

void image_problems_release(struct image_problems *p);

#endif
