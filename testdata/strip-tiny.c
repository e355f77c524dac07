/*
 * A program without a C library, for the byte orders and classes no
 * installed libc covers: it writes "tiny" and exits 0 through raw system
 * calls, so it builds for i386 (gcc -m32) and big-endian aarch64, LP64 and
 * ILP32 (aarch64-linux-gnu-gcc -mbig-endian [-mabi=ilp32]) with no sysroot:
 *   CC -g -static -nostdlib -ffreestanding -fno-pie -no-pie -o OUT strip-tiny.c
 */
static const char msg[] = "tiny\n";
/* Initialised, so the writable segment has file bytes (a .bss-only one sits
 * past the end of the file, which scratchroot's reader refuses so far). */
static volatile int status = 1;

#if defined(__x86_64__)
#define SYS_WRITE 1
#define SYS_EXIT 60
#elif defined(__i386__)
#define SYS_WRITE 4
#define SYS_EXIT 1
#elif defined(__aarch64__)
#define SYS_WRITE 64
#define SYS_EXIT 93
#else
#error "no system calls for this architecture"
#endif

static long sys3(long n, long a, long b, long c)
{
	long r;
#if defined(__x86_64__)
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
#elif defined(__i386__)
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b), "d"(c)
			 : "memory");
#else
	register long x8 __asm__("x8") = n, x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b, x2 __asm__("x2") = c;

	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	r = x0;
#endif
	return r;
}

void _start(void);

void _start(void)
{
	sys3(SYS_WRITE, 1, (long)msg, sizeof(msg) - 1);
	sys3(SYS_EXIT, status - 1, 0, 0);
	for (;;)
		;
}
