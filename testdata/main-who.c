/*
 * Prints what each function named on the command line (default: "who")
 * returns, one line each.  The functions are looked up in the global scope
 * with dlsym, so the program can report on a library it reaches only
 * through another one, and needs no link-time reference to any of them:
 * link the libraries with -Wl,--no-as-needed.  Exit 3 when one is missing.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>

typedef const char *who_fn(void);

int main(int argc, char **argv)
{
	static char *fallback[] = { "who", NULL };
	char **names = argc > 1 ? argv + 1 : fallback;

	for (; *names; names++) {
		who_fn *f = (who_fn *)dlsym(RTLD_DEFAULT, *names);

		if (!f) {
			printf("%s: missing\n", *names);
			return 3;
		}
		puts(f());
	}
	return 0;
}
