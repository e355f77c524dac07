/*
 * Fuzz target for the text formats: the input is parsed as an ld.so.conf
 * file and as a musl ld-musl-ARCH.path file.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>

#include "scratchroot/ldconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strlist dirs = STRLIST_INIT, includes = STRLIST_INIT;
	const char *text = (const char *)data;

	ldconf_parse_text(text, size, "/etc/ld.so.conf", &dirs, &includes);
	ldconf_parse_text(text, size, "/ld.so.conf", &dirs, NULL);
	ldconf_parse_musl_path(text, size, &dirs);
	strlist_clear(&dirs);
	strlist_clear(&includes);
	return 0;
}
