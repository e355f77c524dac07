/*
 * gofacts: what a Go program says about itself.  Its build information
 * (.go.buildinfo: the Go version, the main module, the dependencies, the
 * build settings) and whether it links the packages that decide its
 * run-time files (crypto/x509, the net resolver, os/user, time zones).
 * Read from a hostile file: every offset and size is checked.
 */
#ifndef SCRATCHROOT_GOFACTS_H
#define SCRATCHROOT_GOFACTS_H

#include <stdbool.h>
#include <stdint.h>

#include "scratchroot/util.h"

struct gofacts {
	char *version;		/* "go1.19.8", or NULL */
	char *path;		/* main package path ("path\t" line of modinfo), or NULL */
	char *main_module;	/* "mod\t" line: module path, or NULL */
	char *main_version;	/* its version ("(devel)" etc.), or NULL */
	struct strlist deps;	/* "dep\t" lines: "module@version", in file order */
	int cgo;		/* 1, 0, or -1 when unknown (build CGO_ENABLED=) */
	bool x509, net, user, loadlocation, tzdata;
};

/* Reads the Go facts of the ELF file open as FD (SIZE bytes).  Returns 0
 * when it is a Go program, -ENOENT when it is not, -ENOEXEC (reason in err)
 * for a malformed one, other -errno on I/O errors. */
int gofacts_read(int fd, uint64_t size, struct gofacts *ret, struct strbuf *err);
void gofacts_release(struct gofacts *g);

#endif
