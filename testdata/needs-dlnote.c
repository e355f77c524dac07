/*
 * With -DLIB: libdlnote.so.1, which dlopen()s libxdep.so.1 (its required
 * feature "x" in needs-dlnote.S) and returns what its xdep_who() returns.
 * Without: the program, which prints that, or dlopen's error (exit 1).
 */
#include <dlfcn.h>
#include <stdio.h>

const char *dlnote(void);

#ifdef LIB
const char *dlnote(void)
{
	void *h = dlopen("libxdep.so.1", RTLD_NOW);
	const char *(*f)(void);

	if (!h)
		return NULL;
	f = (const char *(*)(void))dlsym(h, "xdep_who");
	return f ? f() : NULL;
}
#else
int main(void)
{
	const char *s = dlnote();

	if (!s) {
		fprintf(stderr, "%s\n", dlerror());
		return 1;
	}
	puts(s);
	return 0;
}
#endif
