/*
 * gofacts: what a Go program's own tables say about the files it reads at
 * run time, read from the file without running it.
 *
 * Two tables are read.  .go.buildinfo (Go 1.18 and later: the version and
 * the module information inline) gives the Go version, the main package
 * and module, the dependencies and CGO_ENABLED.  The function-name table
 * of the pclntab tells whether the program links the packages that decide
 * its run-time files: crypto/x509 (a CA bundle), net.(*Resolver) (the
 * resolver and NSS configuration), os/user (passwd and group),
 * time.LoadLocation (the zoneinfo files) and time/tzdata (zones compiled
 * in).
 *
 * The file is read with pread in bounded pieces (a 1 MiB window, a few
 * headers besides), never mapped.  What is read: the headers, the build
 * information, the pclntab's header (found by its section, through
 * runtime.firstmoduledata, or by a search of the loaded data) and its
 * function names, the one part whose size grows with the program (4 MB in
 * a 45 MB docker, 73 MB in a 700 MB terraform provider).  A file without
 * section headers is read through its program headers.  A pclntab of a
 * layout not read (Go 1.2-1.15) or not found means the old way: the whole
 * file searched for the names, still window by window.  Every offset and
 * size taken from the file is checked against the file.
 *
 * A struct gofacts owns its strings; gofacts_release() frees them.
 */
#ifndef SCRATCHROOT_GOFACTS_H
#define SCRATCHROOT_GOFACTS_H

#include <stdbool.h>
#include <stdint.h>

#include "scratchroot/util.h"

struct gofacts {
	char *version;		/* "go1.19.8", or NULL */
	char *path;		/* main package path ("path\t" line of modinfo) or NULL */
	char *main_module;	/* "mod\t" line: module path, or NULL */
	char *main_version;	/* its version ("(devel)" etc.), or NULL */
	struct strlist deps;	/* "dep\t" lines: "module@version" each, in file order */
	int cgo;		/* 1, 0, or -1 when unknown (build CGO_ENABLED=) */
	bool x509, net, user, loadlocation, tzdata;
};

/* Reads the Go facts of the ELF file open as FD (SIZE bytes), with pread in
 * bounded pieces.  Returns 0 when it is a Go program (*RET filled; release
 * it with gofacts_release()), -ENOENT when it is not, -ENOEXEC (reason in
 * ERR) for a file that is not ELF or whose headers are malformed, other
 * -errno on I/O errors.  *RET is untouched unless 0 is returned. */
int gofacts_read(int fd, uint64_t size, struct gofacts *ret, struct strbuf *err);

/* Frees the strings of G and zeroes it; G may be zeroed or released already. */
void gofacts_release(struct gofacts *g);

#endif
