/*
 * elfobj: the facts about one ELF file that the loader acts on, read through
 * libelf/gelf so that every class and byte order is handled alike.
 *
 * Everything the dynamic loader needs is reached through the program headers
 * (PT_INTERP, PT_DYNAMIC, and the PT_LOAD segments that map DT_STRTAB and the
 * version tables), as the loader itself does; section headers are never
 * needed, so files stripped of them work.  Every offset, count and string
 * index read from the file is checked; a malformed file yields -ENOEXEC and a
 * reason, never a crash.
 *
 * A struct elfobj owns copies of all its strings: it stays valid after the
 * buffer it was parsed from is gone.
 */
#ifndef SCRATCHROOT_ELFOBJ_H
#define SCRATCHROOT_ELFOBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scratchroot/elffile.h"
#include "scratchroot/util.h"

enum elfobj_kind {
	ELFOBJ_STATIC,		/* ET_EXEC, no PT_INTERP, no PT_DYNAMIC */
	ELFOBJ_STATIC_PIE,	/* ET_DYN, PT_DYNAMIC, DF_1_PIE, no PT_INTERP */
	ELFOBJ_SELF,		/* ET_DYN with an entry point, no PT_INTERP and no
				 * DT_NEEDED: runs as it is (a loader, musl's libc.so) */
	ELFOBJ_DYNAMIC_EXEC,	/* PT_INTERP: a dynamically linked program */
	ELFOBJ_SHARED,		/* ET_DYN library (may still have PT_INTERP) */
	ELFOBJ_OTHER,		/* ET_REL, ET_CORE... */
};

struct elfobj_verneed {
	char *file;		/* vn_file: the DT_NEEDED name it refers to */
	struct strlist versions;	/* vna_name of each entry */
	struct strlist weak;	/* the subset marked VER_FLG_WEAK */
};

struct elfobj {
	unsigned char ei_class, ei_data, ei_osabi, ei_abiversion;
	uint16_t e_type, e_machine;
	uint32_t e_flags;
	uint64_t e_entry;
	uint64_t load_size;	/* sum of the PT_LOAD segments' file sizes */
	size_t n_load;		/* PT_LOAD segments */
	bool phnum_xnum;	/* e_phnum is PN_XNUM (the count in section 0) */
	bool dynamic_empty;	/* PT_DYNAMIC of size 0 */
	struct elfobj_range {
		uint64_t offset, size;
	} *rodata;		/* the file ranges of the read-only data: PT_LOAD
				 * segments neither writable nor executable, or,
				 * in a file with none (no -z separate-code), the
				 * segments that are not writable */
	size_t n_rodata;
	enum elfobj_kind kind;

	char *interp;		/* PT_INTERP string, or NULL */
	bool has_dynamic;	/* PT_DYNAMIC present */
	char *soname;		/* DT_SONAME, or NULL */
	char *rpath;		/* DT_RPATH, or NULL */
	char *runpath;		/* DT_RUNPATH, or NULL */
	struct strlist needed;	/* DT_NEEDED in file order */
	struct strlist filter;	/* DT_FILTER names (required) */
	struct strlist auxiliary;	/* DT_AUXILIARY names (optional) */
	uint64_t flags, flags_1;	/* DT_FLAGS, DT_FLAGS_1 */
	struct elfobj_verneed *verneed;
	size_t n_verneed;
	struct strlist verdef;	/* version names this file defines, sorted */
	bool has_verdef;
	struct strlist imports;	/* undefined dynamic symbols, sorted; for a static
				 * program, the global functions of its .symtab */
	uint64_t watched[2];	/* bit I: imports watched name I (the index in
				 * the parse's struct elfobj_watch) */
	bool imports_watched;	/* parsed with a watch: IMPORTS holds only the
				 * watched names, and WATCHED says which */
	bool has_symtab;	/* static program: .symtab was read */
	struct strlist dlopen_notes;	/* JSON payloads of FDO .note.dlopen notes */
	bool is_go;		/* has a Go build ID note */
	char build_id[41];	/* hex NT_GNU_BUILD_ID, "" when none */
};

/*
 * The imports a parse keeps (the run-time rules look at a few dozen names;
 * reading a program's whole symbol table as strings costs more than the rest
 * of the walk).  NAMES (N names, sorted by strcmp, at most ELFOBJ_MAX_WATCH)
 * must outlive the watch; each kept import also sets bit I of
 * elfobj.watched, I its index in NAMES.
 */
#define ELFOBJ_MAX_WATCH 128
#define ELFOBJ_WATCH_BITS 4096
struct elfobj_watch {
	const char *const *names;
	size_t n;
	uint64_t bits[ELFOBJ_WATCH_BITS / 64];	/* hashes of the names */
	bool first[256];			/* their first letters */
};
void elfobj_watch_init(struct elfobj_watch *w, const char *const *names, size_t n);

struct elfobj_opts {
	const struct elfobj_watch *watch;	/* NULL: every import is kept */
};

/* Note types read from PT_NOTE segments. */
#define ELFOBJ_NOTE_DLOPEN 0x407c0c0a	/* owner "FDO": systemd's dlopen metadata */
#define ELFOBJ_NOTE_GO_BUILDID 4	/* owner "Go": the Go build ID */

/*
 * Parses the ELF file F reads (elffile.h) with OPTS (may be NULL).  Returns 0
 * and sets *ret (free with elfobj_free()); -ENOEXEC with a reason in err
 * when the file is not ELF or is malformed; other -errno for I/O errors.
 */
int elfobj_parse_file(struct elffile *f, const struct elfobj_opts *opts,
		      struct elfobj **ret, struct strbuf *err);

/* The same for the image BUF of LEN bytes.  BUF must stay valid and
 * writable during the call (libelf may convert byte order in place: pass a
 * private copy, never a shared mapping of an input). */
int elfobj_parse(void *buf, size_t len, const struct elfobj_opts *opts, struct elfobj **ret,
		 struct strbuf *err);

/* The same for the regular file open as FD (read with pread, only the
 * parts needed), plus -EISDIR. */
int elfobj_parse_fd(int fd, const struct elfobj_opts *opts, struct elfobj **ret,
		    struct strbuf *err);

void elfobj_free(struct elfobj *o);

/* Human names: "ELF64", "x86-64" ("machine 183" when unknown), "static-pie"... */
const char *elfobj_kind_name(enum elfobj_kind kind);
const char *elfobj_machine_name(uint16_t e_machine);

/* Whether the object imports (has an undefined dynamic symbol) SYM. */
bool elfobj_imports(const struct elfobj *o, const char *sym);

/* Whether BUF (LEN bytes) starts with "#!"; if so sets *ret (caller frees)
 * to the interpreter path named on that line. */
bool elfobj_is_script(const char *buf, size_t len, char **ret);

#endif
