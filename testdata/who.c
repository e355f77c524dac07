/*
 * A fixture library with an identity: FN (default "who") returns WHO, so the
 * program that loads it can print which copy the loader picked.
 *   cc -shared -fPIC -DWHO='"rp"' [-DFN=other_name] who.c
 * Give only one library of a closure the name "who": the program finds it in
 * the global scope (see main-who.c).
 */
#ifndef WHO
#error "build with -DWHO='\"identity\"'"
#endif
#ifndef FN
#define FN who
#endif

const char *FN(void);

const char *FN(void)
{
	return WHO;
}
