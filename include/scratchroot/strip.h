/*
 * strip: a smaller copy of one ELF file, through libelf.
 *
 * The loader reads only what PT_LOAD maps (and PT_INTERP, PT_DYNAMIC, notes
 * inside it).  Stripping writes a new file in which every PT_LOAD segment
 * and every allocated section is byte-identical to the input, and the
 * non-allocated sections the loader never reads are gone: .symtab/.strtab
 * (STRIP_ALL), .debug_* and .zdebug_* sections, .comment and the like.  What tools need
 * stays: .gnu_debuglink, .note.* (build-id, .note.dlopen, .note.go.buildid),
 * .go.buildinfo, .shstrtab.  With sections = true the section header table
 * goes too (the floor: ELF header, program headers, segments).
 *
 * Files it cannot handle safely (no section headers, overlapping or unusual
 * layouts, relocatable objects) are refused with -ENOTSUP and a note, and the
 * caller copies them unchanged.  The input is only read.
 */
#ifndef SCRATCHROOT_STRIP_H
#define SCRATCHROOT_STRIP_H

#include <stdbool.h>
#include <sys/types.h>

#include "scratchroot/util.h"

enum strip_mode {
	STRIP_NONE,
	STRIP_DEBUG,		/* debug information only; the symbol table stays */
	STRIP_ALL,		/* debug information and the symbol table */
};

struct strip_opts {
	enum strip_mode mode;
	bool sections;		/* also drop the section header table */
	int debug_fd;		/* >= 0: write the removed debug information here,
				 * as a separate debug file gdb can load */
	const char *debuglink;	/* with debug_fd: the name for .gnu_debuglink */
};

struct strip_result {
	off_t in_size, out_size;
	bool stripped;		/* false: nothing to remove, OUT is untouched and
				 * the caller copies IN */
	char build_id[41];	/* hex GNU build-id, as strip_build_id() */
};

/*
 * Reads the ELF file IN and writes its stripped form to OUT (an empty file
 * opened for writing, positioned at 0).  Returns 0 with *res filled;
 * -ENOTSUP (reason in err) when the file is not stripped because its layout
 * is unusual: OUT is then untouched and the caller copies IN; other -errno
 * on I/O errors.
 */
int strip_fd(int in, int out, const struct strip_opts *o, struct strip_result *res,
	     struct strbuf *err);

/* Reads the hex build-id of the ELF file IN into BUF (41 bytes), as libdw's
 * dwelf_elf_gnu_build_id() finds it: in the SHT_NOTE sections, or in the
 * PT_NOTE segments of a file without section headers.  "" when it has none
 * or one longer than 20 bytes.  Returns 0 or -errno. */
int strip_build_id(int in, char buf[41]);

#endif
