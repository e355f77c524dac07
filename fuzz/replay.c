/*
 * A main() for the fuzz targets without libFuzzer: runs each input named on
 * the command line (a file, or every regular file of a directory, in strcmp
 * order) through LLVMFuzzerTestOneInput once.  `make check` uses it to
 * replay the seed corpora under the sanitizers.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratchroot/util.h"

#define REPLAY_MAX_SIZE (64 * 1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path, size_t *count)
{
	char *buf = NULL, *exact;
	size_t len = 0;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	ret = read_file_fd(fd, REPLAY_MAX_SIZE, &buf, &len);
	close(fd);
	if (ret < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(-ret));
		return -1;
	}
	/* An exact-size copy, so that ASan sees a read past the end. */
	exact = xmalloc(len);
	memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput((const uint8_t *)exact, len);
	free(exact);
	(*count)++;
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int replay_dir(const char *dir, size_t *count)
{
	struct dirent **names = NULL;
	int n, ret = 0;

	n = scandir(dir, &names, NULL, by_name);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char *path = xmalloc(strlen(dir) + strlen(names[i]->d_name) + 2);
		struct stat st;

		sprintf(path, "%s/%s", dir, names[i]->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    replay_file(path, count) < 0)
			ret = -1;
		free(path);
		free(names[i]);
	}
	free(names);
	return ret;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int status = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		int ret;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
				strerror(errno));
			status = 1;
			continue;
		}
		ret = S_ISDIR(st.st_mode) ? replay_dir(argv[i], &count) :
					    replay_file(argv[i], &count);
		if (ret < 0)
			status = 1;
	}
	printf("replayed %zu inputs\n", count);
	return status;
}
