/*
 * libv.so.1 for the symbol version tests.  Built with a version script that
 * defines VERS_1.0 { v_old } and, with -DV2, VERS_2.0 { v_new } as well.
 */
const char *v_old(void);
const char *v_old(void)
{
	return "v1";
}

#ifdef V2
const char *v_new(void);
const char *v_new(void)
{
	return "v2";
}
#endif
