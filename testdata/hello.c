/* The smallest program: prints MSG (default "hello").  Used to learn the
 * libc files every program needs, and for the static builds. */
#include <stdio.h>

#ifndef MSG
#define MSG "hello"
#endif

int main(void)
{
	puts(MSG);
	return 0;
}
