/*
 * Fuzz target for the ld.so.cache parser and lookup: the input is a cache
 * file, parsed in both byte orders and queried for a few names as the tool
 * would query it.
 */
#include <config.h>

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#include "scratchroot/ldconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
	"libc.so.6", "libz.so.1", "libm.so.06", "libfoo.so.1", "ld.so", "",
};

/* Targets whose flag checks differ: x86_64, i386, arm hard-float, ppc64. */
static const struct {
	uint16_t machine;
	unsigned char class;
	uint32_t flags;
} targets[] = {
	{ EM_X86_64, ELFCLASS64, 0 },
	{ EM_386, ELFCLASS32, 0 },
	{ EM_ARM, ELFCLASS32, 0x400 },
	{ EM_PPC64, ELFCLASS64, 2 },
};

static void query(const struct ldcache *c, const char *name,
		  struct strlist *alts)
{
	for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++)
		ldcache_lookup(c, name, targets[t].machine, targets[t].class,
			       targets[t].flags, alts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char orders[] = { ELFDATA2LSB, ELFDATA2MSB };

	for (size_t o = 0; o < sizeof(orders); o++) {
		struct strbuf err = STRBUF_INIT;
		struct strlist alts = STRLIST_INIT;
		struct ldcache *c = NULL;

		if (ldcache_parse(data, size, orders[o], &c, &err) == 0) {
			for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
				query(c, names[i], &alts);
			/* Keys from the file itself reach the equal-key walk. */
			for (size_t i = 0; i < c->n_entries && i < 8; i++)
				query(c, c->entries[i].key, &alts);
			ldcache_free(c);
		}
		strlist_clear(&alts);
		strbuf_release(&err);
	}
	return 0;
}
