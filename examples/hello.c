/* The quick start's example program: it needs libgreet.so.1, found through
 * RUNPATH $ORIGIN/../lib, and glibc's libm and libc. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

const char *greet(void);

int main(int argc, char **argv)
{
	double x = argc > 1 ? atof(argv[1]) : 2.0;

	printf("%s sqrt(%g) = %g\n", greet(), x, sqrt(x));
	return 0;
}
