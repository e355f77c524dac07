/*
 * dlopens the plugin named by argv[1] and prints what its plugin_name()
 * returns; exit 1 when it cannot be loaded.  Static analysis sees only
 * libc here: the plugin, and what it needs, are known once it runs.
 */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	const char *(*name)(void);
	void *h;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PLUGIN\n", argv[0]);
		return 2;
	}
	h = dlopen(argv[1], RTLD_NOW);
	if (!h) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 1;
	}
	name = (const char *(*)(void))dlsym(h, "plugin_name");
	if (!name) {
		fprintf(stderr, "dlsym: %s\n", dlerror());
		return 1;
	}
	printf("plugin: %s\n", name());
	return 0;
}
