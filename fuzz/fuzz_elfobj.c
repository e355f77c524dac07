/* Fuzz target: the ELF reader, through the same elfobj_parse_fd() the tool
 * uses on every input and every library candidate (a memfd holds the bytes),
 * and through elfobj_parse() on the bytes in memory: both must agree. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "scratchroot/elfobj.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf err = STRBUF_INIT;
	struct elfobj *o = NULL;
	char *copy = xmalloc(size), *interp = NULL;
	int fd = memfd_create("fuzz", MFD_CLOEXEC), from_fd = 1, from_mem;

	if (fd >= 0 && write(fd, data, size) == (ssize_t)size) {
		from_fd = elfobj_parse_fd(fd, NULL, &o, &err);
		if (from_fd == 0) {
			(void)elfobj_kind_name(o->kind);
			(void)elfobj_machine_name(o->e_machine);
			elfobj_free(o);
		}
	}
	if (fd >= 0)
		close(fd);
	/* elfobj_parse wants a private writable image, as from MAP_PRIVATE. */
	memcpy(copy, data, size);
	from_mem = elfobj_parse(copy, size, NULL, &o, &err);
	if (from_mem == 0)
		elfobj_free(o);
	/* An empty file is refused before parsing when read from a file. */
	if (from_fd != 1 && size && from_fd != from_mem)
		abort();
	memcpy(copy, data, size);
	if (elfobj_is_script(copy, size, &interp))
		free(interp);
	free(copy);
	strbuf_release(&err);
	return 0;
}
