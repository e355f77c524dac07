/*
 * A static program whose read-only data holds NAME (default
 * "/etc/nsswitch.conf", the string glibc's static NSS code carries) BEFORE
 * bytes into a block of SIZE bytes: the build moves NAME to any distance
 * from the end of .rodata, one byte at a time, without changing its size.
 * Prints "static".
 */
#include <stdio.h>

#ifndef NAME
#define NAME "/etc/nsswitch.conf"
#endif
#ifndef SIZE
#define SIZE 1048576
#endif
#ifndef BEFORE
#define BEFORE 0
#endif
#define STR(x) #x
#define XSTR(x) STR(x)

__asm__(".section .rodata\n"
	".Lsr_block:\n"
	".fill " XSTR(BEFORE) ",1,1\n"
	".asciz \"" NAME "\"\n"
	".Lsr_name_end:\n"
	".fill " XSTR(SIZE) " - (.Lsr_name_end - .Lsr_block),1,1\n"
	".previous\n");

int main(void)
{
	puts("static");
	return 0;
}
