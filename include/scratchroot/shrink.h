/*
 * shrink: the manifest's plans carried out, between the decide step and
 * the sinks.
 *
 * Every regular file whose plan says so (manifest.h) is stripped (strip.c)
 * into a staging directory, one file at a time, as "N" (N the entry's stage
 * number) beside its removed debug information, "N.debug"; executables can
 * then be packed there with an external upx, each packed file tested with
 * upx -t.  The sinks read the staged copy instead of the source (and the
 * directory sink hard-links it).  A file that cannot be shrunk safely stays
 * as it is, with a note.  Inputs are only read.  Report modes measure
 * instead: what each plan would give, written nowhere, nothing run.
 *
 * The floor of an image is the sum, over its ELF files, of their PT_LOAD
 * file sizes, plus the sizes of its other files: what a perfectly stripped
 * tree of the same files would weigh.
 */
#ifndef SCRATCHROOT_SHRINK_H
#define SCRATCHROOT_SHRINK_H

#include <stdbool.h>

#include "scratchroot/diag.h"
#include "scratchroot/manifest.h"
#include "scratchroot/output.h"

struct shrink_stats {
	unsigned long long before, after, floor;
	size_t elf, stripped, packed;
};

/* Whether upx can be run: 0, or -ENOENT with the reason in err. */
int shrink_find_upx(struct strbuf *err);

/*
 * Carries out every plan of M (source bytes from root R) into the staging
 * directory open as STAGE_FD, at STAGE_PATH (upx takes paths), which M then
 * owns (m->stage_fd).  UPX_ARGS are the --upx arguments.  Notes on files
 * left as they are go to D.  Returns 0 with *st filled, or -errno with
 * "'PATH': reason" in err.
 */
int shrink_stage(struct manifest *m, const struct root *r, int stage_fd, const char *stage_path,
		 const char *upx_args, struct shrink_stats *st, struct diags *d,
		 struct strbuf *err);

/* What the plans of M would give, for the reports: each file stripped into
 * nothing, its size recorded; no debug information kept, upx not run. */
int shrink_measure(struct manifest *m, const struct root *r, struct shrink_stats *st,
		   struct diags *d, struct strbuf *err);

/* Writes the staged debug information of M into the debug directory
 * output DEBUG, as .build-id/xx/yyyy.debug (gdb's and debuginfod's
 * layout).  Returns 0 or -errno with the reason in err. */
int shrink_write_debug(const struct manifest *m, struct output *debug, struct strbuf *err);

#endif
