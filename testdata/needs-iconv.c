/*
 * iconv from UTF-8 to CHARSET (argv[1]) of TEXT (argv[2]): glibc loads the
 * gconv module for CHARSET at iconv_open().  Prints the output bytes in
 * hex, or the iconv_open error.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	char out[256], *in, *o = out;
	size_t inlen, outlen = sizeof(out);
	iconv_t cd;

	if (argc != 3) {
		fputs("usage: needs-iconv CHARSET TEXT\n", stderr);
		return 2;
	}
	in = argv[2];
	inlen = strlen(in);
	cd = iconv_open(argv[1], "UTF-8");
	if (cd == (iconv_t)-1) {
		fprintf(stderr, "iconv_open: %s\n", strerror(errno));
		return 1;
	}
	if (iconv(cd, &in, &inlen, &o, &outlen) == (size_t)-1) {
		fprintf(stderr, "iconv: %s\n", strerror(errno));
		return 1;
	}
	for (char *p = out; p < o; p++)
		printf("%s%02x", p == out ? "" : " ", (unsigned char)*p);
	putchar('\n');
	iconv_close(cd);
	return 0;
}
