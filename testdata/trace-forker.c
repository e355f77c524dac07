/*
 * Reads the configuration file argv[1] on the main thread and the data
 * file argv[2] on a thread of its own, prints both lines, then forks a
 * child that execs argv[3] and waits for it: a process tree whose every
 * part a traced run must follow.
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static char data[256];

static void *reader(void *path)
{
	FILE *f = fopen(path, "r");

	if (f) {
		if (!fgets(data, sizeof(data), f))
			data[0] = '\0';
		fclose(f);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	char conf[256] = "";
	pthread_t t;
	FILE *f;
	pid_t pid;
	int st;

	if (argc < 4)
		return 2;
	if ((f = fopen(argv[1], "r"))) {
		if (!fgets(conf, sizeof(conf), f))
			conf[0] = '\0';
		fclose(f);
	}
	if (pthread_create(&t, NULL, reader, argv[2]) || pthread_join(t, NULL))
		return 2;
	printf("config: %sdata: %s", conf, data);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execl(argv[3], argv[3], (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return 2;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
