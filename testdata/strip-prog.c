/*
 * The program the strip tests take apart: built with -g (and every other
 * flavour: -s, -static, -static-pie, musl, aarch64), it prints
 * "strip-prog 42".  strip_probe() is the name gdb must find again from the
 * separate debug file; the .note.dlopen (an FDO note, as systemd writes
 * them) must survive stripping, as must the build-id note the linker adds.
 */
#include <stdio.h>

/* A suggested dlopen() dependency, in the FDO note format: owner "FDO",
 * type 0x407c0c0a, a JSON payload.  %note: '@' starts a comment on ARM. */
__asm__(".pushsection .note.dlopen,\"a\",%note\n"
	".balign 4\n"
	".long 4\n"
	".long 2f - 1f\n"
	".long 0x407c0c0a\n"
	".asciz \"FDO\"\n"
	"1: .asciz \"[{\\\"feature\\\":\\\"zlib\\\",\\\"soname\\\":[\\\"libz.so.1\\\"],"
	"\\\"priority\\\":\\\"suggested\\\"}]\"\n"
	"2: .balign 4\n"
	".popsection\n");

__attribute__((noinline)) int strip_probe(int x);

__attribute__((noinline)) int strip_probe(int x)
{
	return x * 6;
}

int main(int argc, char **argv)
{
	(void)argv;
	printf("strip-prog %d\n", strip_probe(argc + 6));
	return 0;
}
