/*
 * pthread_cancel of a thread blocked in read(): glibc unwinds the thread
 * with libgcc_s.so.1, which it dlopens on the first cancellation.  Prints
 * "cancelled" when the thread ended through cancellation.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int fds[2];

static void *reader(void *arg)
{
	char c;

	(void)arg;
	for (;;)
		if (read(fds[0], &c, 1) <= 0)
			break;
	return NULL;
}

int main(void)
{
	pthread_t t;
	void *ret = NULL;

	if (pipe(fds) != 0 || pthread_create(&t, NULL, reader, NULL) != 0) {
		perror("setup");
		return 2;
	}
	usleep(100000);		/* let it block in read() */
	if (pthread_cancel(t) != 0 || pthread_join(t, &ret) != 0) {
		fputs("cancel failed\n", stderr);
		return 1;
	}
	puts(ret == PTHREAD_CANCELED ? "cancelled" : "not cancelled");
	return ret == PTHREAD_CANCELED ? 0 : 1;
}
