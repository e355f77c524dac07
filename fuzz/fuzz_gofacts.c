/* Fuzz target: the Go program reader, through gofacts_read() on a memfd
 * that holds the input, as the tool reads a program's file.  Its answer is
 * 0, -ENOENT or -ENOEXEC (a memfd has no I/O errors), and the facts of a Go
 * program are well formed. */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "scratchroot/gofacts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The strings are copies of parts of the input (a dependency gains an '@'). */
static void check(const struct gofacts *g, size_t size)
{
	size_t n = 0;

	if (g->cgo < -1 || g->cgo > 1)
		abort();
	n += g->version ? strlen(g->version) : 0;
	n += g->path ? strlen(g->path) : 0;
	n += g->main_module ? strlen(g->main_module) : 0;
	n += g->main_version ? strlen(g->main_version) : 0;
	for (size_t i = 0; i < g->deps.n; i++)
		n += strlen(g->deps.v[i]);
	if (n > 2 * size)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf err = STRBUF_INIT;
	struct gofacts g;
	int fd = memfd_create("fuzz", MFD_CLOEXEC), r;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		r = gofacts_read(fd, size, &g, &err);
		if (r != 0 && r != -ENOENT && r != -ENOEXEC)
			abort();
		if (r == 0) {
			check(&g, size);
			gofacts_release(&g);
		}
	}
	close(fd);
	strbuf_release(&err);
	return 0;
}
