/* Calls v_old (VERS_1.0) and v_new (VERS_2.0) of libv.so.1, or only v_old
 * when built with -DOLD_ONLY.  Also the body of libvuser.so.1 with -DLIB. */
#include <stdio.h>

const char *v_old(void);
const char *v_new(void);

#ifdef LIB
const char *vuser(void);
const char *vuser(void)
{
	return v_new();
}
#else
int main(void)
{
	puts(v_old());
#ifndef OLD_ONLY
	puts(v_new());
#endif
	return 0;
}
#endif
