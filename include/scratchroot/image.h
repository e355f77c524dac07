/*
 * image: the decide step.  What the image holds, as manifest entries.
 *
 * From the programs' records (walk_record): every file and symlink each
 * program needs, at its own path, with the directories above it (modes
 * from the source root).  A program given as FILE:DEST goes to DEST, and
 * the libraries it finds through its own $ORIGIN (directly or through a
 * library that moved with it) follow it so that the same DT_RUNPATH or
 * DT_RPATH still finds them.  --add trees are copied as they are.  Base
 * files follow the distroless conventions: /etc/passwd and /etc/group
 * (root, nobody, nonroot), /tmp 1777, /root 0700, and /home/nonroot 0700
 * owned by 65532.  Each regular file gets its plan (how shrinking treats
 * it).
 *
 * Set-id bits are dropped (with a warning) unless asked to keep them.  The
 * decisions are recorded in each entry's reasons; nothing here writes.
 */
#ifndef SCRATCHROOT_IMAGE_H
#define SCRATCHROOT_IMAGE_H

#include <stdbool.h>

#include "scratchroot/diag.h"
#include "scratchroot/elffile.h"
#include "scratchroot/manifest.h"

struct image_opts {
	bool base;		/* add the distroless base files */
	bool keep_setid;	/* keep set-user-ID and set-group-ID bits */
};

/*
 * Adds the file or tree SRC of root R at DEST (NULL: SRC's own path):
 * directories, regular files and symlinks as they are, after the set-id
 * rule.  Devices, FIFOs and sockets are refused.  For each ELF regular file
 * found, its canonical source path goes to ELF_SRC and its image path to
 * ELF_DEST, so that the caller can walk it.  Returns 0 or -1 (problem in D).
 */
int image_add_tree(struct manifest *m, const struct root *r, const char *src,
		   const char *dest, const struct image_opts *o,
		   struct strlist *elf_src, struct strlist *elf_dest, struct diags *d);

/*
 * Adds the one file SRC of root R names (not what lies below a directory)
 * at DEST (NULL: where SRC leads), with the symlinks crossed on the way at
 * their own places: a regular file, a directory, or, without FOLLOW, the
 * symlink SRC itself.  WHY (M's string, or static) is its reason.  An
 * entry the image holds at that place already (a generated /etc/passwd)
 * stays as it is and gains the reason.  Returns 0 or -1 (problem in D).
 */
int image_add_file(struct manifest *m, const struct root *r, const char *src,
		   const char *dest, bool follow, const char *why,
		   const struct image_opts *o, struct diags *d);

/* Adds to M everything its programs' records need, then the base files.
 * Returns 0, or -1 when an error went to D. */
int image_decide(struct manifest *m, const struct root *r, const struct image_opts *o,
		 struct diags *d);

/*
 * Gives every regular file of M its plan under STRIP (--strip), SECTIONS
 * (--strip-sections), DEBUG (--debug-dir given), UPX and UPX_LIBS: ELF
 * files are stripped, executables (and, with UPX_LIBS, libraries) packed,
 * never the loader.  Each file is parsed through OBJS (once per run), which
 * also gives its floor (PT_LOAD bytes).
 */
struct image_plan_opts {
	enum strip_mode strip;
	bool sections, debug, upx, upx_libs;
};
void image_plan(struct manifest *m, const struct root *r, struct elfcache *objs,
		const struct image_plan_opts *o);

#endif
