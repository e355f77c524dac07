/*
 * ldso: what the loader of one program is, and the facts about it that the
 * search needs, read from the root without running anything.
 *
 * For glibc (PT_INTERP named ld-linux*, ld64.so*, ld.so.1) the facts come out
 * of the loader file itself: its built-in system directories (SYSTEM_DIRS, a
 * run of NUL-separated "/dir/" strings), the $LIB value, and the release
 * version; plus the root's /etc/ld.so.cache.  For musl (ld-musl-ARCH.so.1)
 * they are the prefix-relative etc/ld-musl-ARCH.path file or musl's default
 * path.  When the loader file cannot be read, per-architecture defaults are
 * used and the facts say so.
 *
 * A struct ldso is owned by the walk and shared by every object that the
 * program loads.
 */
#ifndef SCRATCHROOT_LDSO_H
#define SCRATCHROOT_LDSO_H

#include <stdbool.h>

#include "scratchroot/elfobj.h"
#include "scratchroot/ldconf.h"
#include "scratchroot/root.h"

enum libc_flavour {
	LIBC_GLIBC,
	LIBC_MUSL,
};

struct ldso {
	enum libc_flavour flavour;
	char *interp;		/* the PT_INTERP string (or the default for the machine) */
	uint16_t e_machine;
	unsigned char ei_class, ei_data;
	uint32_t e_flags;

	struct strlist sysdirs;	/* glibc SYSTEM_DIRS or the musl path, no trailing '/' */
	bool sysdirs_guessed;	/* true when not read from the loader/path file */
	char *dst_lib;		/* $LIB */
	struct strlist platforms;	/* possible $PLATFORM values */
	int glibc_minor;	/* 36 for glibc 2.36; 0 when unknown */
	struct strlist hwcaps;	/* glibc-hwcaps subdirectory names, best first */
	struct strlist legacy;	/* legacy hwcap subdirectories (glibc <= 2.36) */
	struct ldcache *cache;	/* the root's /etc/ld.so.cache, or NULL */
	char *cache_problem;	/* why the cache was not used, or NULL */
	char *musl_path_file;	/* musl: the .path file consulted */
	bool musl_path_found;
};

/* Whether PT_INTERP string INTERP names a musl loader. */
bool ldso_is_musl(const char *interp);

/* The usual glibc PT_INTERP for a machine/class (used for libraries given
 * as inputs, which have none), or NULL. */
const char *ldso_default_interp(uint16_t e_machine, unsigned char ei_class,
				uint32_t e_flags);

/* musl's LDSO_ARCH for a machine (arch/<arch>/reloc.h): "x86_64",
 * "aarch64", "powerpc64le", "riscv64"..., or NULL when musl has no port. */
const char *ldso_musl_arch(uint16_t e_machine, unsigned char ei_class, unsigned char ei_data,
			   uint32_t e_flags);

/*
 * Gathers the facts for loader INTERP (a PT_INTERP string) of a program
 * described by PROG, inside root R.  Never fails: what cannot be read falls
 * back to defaults, recorded in the struct.  Free with ldso_free().
 */
struct ldso *ldso_load(const struct root *r, const char *interp,
		       const struct elfobj *prog, bool musl);
void ldso_free(struct ldso *l);

/*
 * The glibc release of a C library (libc.so.6) whose read-only data is BUF
 * (LEN bytes) and whose version definitions are VERDEF: the NN of the
 * "release version 2.NN" banner gnu_get_libc_version() and running libc.so.6
 * print, or else the highest GLIBC_2.NN it defines (a lower bound: not every
 * release adds one).  0 when neither is there.  glibc 2.32 and older
 * loaders carry no version string, so this is how a root of that age is
 * told apart (E4).
 */
int ldso_libc_minor(const char *buf, size_t len, const struct strlist *verdef);

#endif
