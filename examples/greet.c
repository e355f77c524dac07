/* libgreet.so.1: the example's own shared library. */
const char *greet(void);

const char *greet(void)
{
	return "hello from a scratch image:";
}
