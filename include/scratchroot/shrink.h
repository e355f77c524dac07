/*
 * shrink: the transforms between the manifest and the sinks.
 *
 * Every ELF regular file of the manifest is stripped (strip.c) into an
 * anonymous memory file that the sinks then copy instead of the source; the
 * removed debug information can go to a build-id directory; executables can
 * then be packed with an external upx, each packed file tested with upx -t.
 * A file that cannot be shrunk safely stays as it is, with a note.  Inputs
 * are only read.
 *
 * The floor of an image is the sum, over its ELF files, of their PT_LOAD
 * file sizes, plus the sizes of its other files: what a perfectly stripped
 * tree of the same files would weigh.
 */
#ifndef SCRATCHROOT_SHRINK_H
#define SCRATCHROOT_SHRINK_H

#include <stdbool.h>

#include "scratchroot/manifest.h"
#include "scratchroot/strip.h"

struct shrink_opts {
	enum strip_mode strip;
	bool sections;		/* --strip-sections */
	const char *debug_dir;	/* --debug-dir, or NULL */
	const char *upx_args;	/* --upx[=ARGS]: NULL when off */
	bool upx_libs;		/* --upx-libs */
};

struct shrink_stats {
	unsigned long long before, after, floor;
	size_t elf, stripped, packed;
};

/* Whether upx can be run: 0, or -ENOENT with the reason in err. */
int shrink_find_upx(struct strbuf *err);

/*
 * Shrinks the ELF files of M (file bytes from root R).  Notes on files left
 * as they are go to NOTES as "PATH\tmessage".  Returns 0 with *st filled, or
 * -errno with "'PATH': reason" in err.
 */
int shrink_manifest(struct manifest *m, const struct root *r, const struct shrink_opts *o,
		    struct shrink_stats *st, struct strlist *notes, struct strbuf *err);

#endif
