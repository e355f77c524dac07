/* Fuzz target: the ELF reader, through the same elfobj_parse() the tool
 * uses on every input and every library candidate. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scratchroot/elfobj.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf err = STRBUF_INIT;
	struct elfobj *o = NULL;
	char *copy = xmalloc(size), *interp = NULL;

	/* elfobj_parse wants a private writable image, as from MAP_PRIVATE. */
	memcpy(copy, data, size);
	if (elfobj_parse(copy, size, &o, &err) == 0) {
		(void)elfobj_kind_name(o->kind);
		(void)elfobj_machine_name(o->e_machine);
		elfobj_free(o);
	}
	memcpy(copy, data, size);
	if (elfobj_is_script(copy, size, &interp))
		free(interp);
	free(copy);
	strbuf_release(&err);
	return 0;
}
