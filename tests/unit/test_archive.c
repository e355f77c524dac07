/* Unit tests for archive: the manifest as a tar, read back with libarchive. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "scratchroot/archive.h"

#define MTIME ((time_t)1700000000)
#define BIG (200 * 1000) /* several 64 KiB chunks and a partial one */

static char tmpl[64];
static struct root *R;

/* The host path of REL in the source root; two can be in use at once. */
static char *host(const char *rel)
{
	static char path[2][256];
	static int i;

	i = !i;
	snprintf(path[i], sizeof(path[i]), "%s%s", tmpl, rel);
	return path[i];
}

static void mk(const char *rel, const char *data, size_t len)
{
	int fd = open(host(rel), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static int setup(void **state)
{
	char *big;

	strcpy(tmpl, "/tmp/sr-archive-XXXXXX");
	if (!mkdtemp(tmpl))
		return -1;
	if (mkdir(host("/bin"), 0755) < 0 || mkdir(host("/lib"), 0755) < 0)
		return -1;
	big = malloc(BIG);
	if (!big)
		return -1;
	for (size_t i = 0; i < BIG; i++)
		big[i] = (char)(i * 7 + i / 251);
	mk("/bin/app", big, BIG);
	free(big);
	mk("/lib/libx.so.1", "libx\n", 5);
	if (symlink("libx.so.1", host("/lib/libx.so")) < 0)
		return -1;
	return root_open(tmpl, &R, NULL);
}

static int teardown(void **state)
{
	char cmd[128];

	root_free(R);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
	return system(cmd);
}

static void add(struct manifest *m, const struct mentry *e)
{
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(manifest_add(m, e, NULL, &err), 0);
	strbuf_release(&err);
}

static void add_dir(struct manifest *m, const char *path, mode_t mode)
{
	struct mentry e = {.path = (char *)path, .type = M_DIR, .mode = mode};

	add(m, &e);
}

/* A file entry for the host file at SRC, identity taken now. */
static void add_file(struct manifest *m, const char *path, const char *src, mode_t mode)
{
	struct mentry e = {
		.path = (char *)path, .type = M_FILE, .mode = mode, .src = (char *)src};
	struct stat st;

	assert_int_equal(lstat(host(src), &st), 0);
	e.dev = st.st_dev;
	e.ino = st.st_ino;
	e.size = st.st_size;
	add(m, &e);
}

static void add_data(struct manifest *m, const char *path, const char *data, mode_t mode,
		     unsigned id)
{
	struct mentry e = {.path = (char *)path,
			   .type = M_DATA,
			   .mode = mode,
			   .uid = id,
			   .gid = id,
			   .data = (char *)data,
			   .size = (off_t)strlen(data)};

	add(m, &e);
}

static const char passwd[] = "nonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n";

/* The image of the first tests, added out of order on purpose. */
static void build(struct manifest *m)
{
	struct mentry l = {.path = "/lib/libx.so",
			   .type = M_LINK,
			   .mode = 0777,
			   .target = "libx.so.1"};

	manifest_init(m);
	add_dir(m, "/tmp", 01777);
	add_file(m, "/lib/libx.so.1", "/lib/libx.so.1", 0644);
	add(m, &l);
	add_data(m, "/etc/passwd", passwd, 0644, 65532);
	add_dir(m, "/lib", 0755);
	add_file(m, "/bin/app", "/bin/app", 04755);
	add_dir(m, "/etc", 0755);
	add_dir(m, "/bin", 0755);
	manifest_sort(m);
}

/* Writes M to FD and reads back everything written from offset 0. */
static int write_to(int fd, const struct manifest *m, time_t mtime, char **buf,
		    size_t *len, struct strbuf *err)
{
	int ret = archive_write_tar(m, R, fd, "out.tar", mtime, err);

	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(read_file_fd(fd, 64 << 20, buf, len), 0);
	return ret;
}

static int write_mem(const struct manifest *m, time_t mtime, char **buf, size_t *len,
		     struct strbuf *err)
{
	int fd = memfd_create("tar", MFD_CLOEXEC), ret;

	assert_true(fd >= 0);
	ret = write_to(fd, m, mtime, buf, len, err);
	close(fd);
	return ret;
}

struct want {
	const char *name;
	unsigned type;
	mode_t perm;
	unsigned id;
	const char *target; /* symlinks */
	const char *src;    /* files: the host file holding the bytes */
	const char *data;   /* generated files */
};

static void check_data(struct archive *a, struct archive_entry *ae, const struct want *w)
{
	char *expect = NULL, chunk[8192];
	size_t elen = 0;
	struct strbuf got = STRBUF_INIT;
	la_ssize_t n;

	if (w->src) {
		int fd = open(host(w->src), O_RDONLY | O_CLOEXEC);

		assert_true(fd >= 0);
		assert_int_equal(read_file_fd(fd, 1 << 20, &expect, &elen), 0);
		close(fd);
	} else if (w->data) {
		expect = strdup(w->data);
		elen = strlen(w->data);
	}
	assert_int_equal(archive_entry_size(ae), (int64_t)elen);
	while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0)
		strbuf_add(&got, chunk, (size_t)n);
	assert_int_equal(n, 0);
	assert_int_equal(got.len, elen);
	if (elen)
		assert_memory_equal(got.buf, expect, elen);
	strbuf_release(&got);
	free(expect);
}

/* Walks the raw 512-byte headers: no extended (pax) header unless
 * PAX_OK, no user or group names, and the archive ends with the two
 * zero blocks and no further padding. */
static void check_raw(const char *buf, size_t len, bool pax_ok)
{
	static const char zero[1024];
	size_t off = 0;

	assert_int_equal(len % 512, 0);
	assert_true(len >= 1024);
	while (off + 512 <= len && memcmp(buf + off, zero, 512)) {
		const char *h = buf + off;
		char size[13];

		if (!pax_ok)
			assert_true(h[156] != 'x' && h[156] != 'g');
		assert_memory_equal(h + 257,
				    "ustar\0"
				    "00",
				    8);
		assert_memory_equal(h + 265, zero, 32); /* uname */
		assert_memory_equal(h + 297, zero, 32); /* gname */
		memcpy(size, h + 124, 12);
		size[12] = '\0';
		off += 512 + (strtoull(size, NULL, 8) + 511) / 512 * 512;
	}
	assert_int_equal(len, off + 1024);
	assert_memory_equal(buf + off, zero, 1024);
}

static void check_entries(const char *buf, size_t len, const struct want *w, size_t n,
			  time_t mtime, int format)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;

	assert_non_null(a);
	assert_int_equal(archive_read_support_format_tar(a), ARCHIVE_OK);
	assert_int_equal(archive_read_open_memory(a, buf, len), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		const char *u, *g;

		assert_int_equal(archive_read_next_header(a, &ae), ARCHIVE_OK);
		if (format)
			assert_int_equal(archive_format(a), format);
		assert_string_equal(archive_entry_pathname(ae), w[i].name);
		assert_int_equal(archive_entry_filetype(ae), w[i].type);
		assert_int_equal(archive_entry_perm(ae), w[i].perm);
		assert_int_equal(archive_entry_uid(ae), w[i].id);
		assert_int_equal(archive_entry_gid(ae), w[i].id);
		u = archive_entry_uname(ae);
		g = archive_entry_gname(ae);
		assert_true(!u || !*u);
		assert_true(!g || !*g);
		assert_int_equal(archive_entry_mtime(ae), mtime);
		assert_int_equal(archive_entry_mtime_nsec(ae), 0);
		assert_false(archive_entry_atime_is_set(ae));
		assert_false(archive_entry_ctime_is_set(ae));
		assert_false(archive_entry_birthtime_is_set(ae));
		assert_null(archive_entry_hardlink(ae));
		if (w[i].type == AE_IFLNK)
			assert_string_equal(archive_entry_symlink(ae), w[i].target);
		else
			assert_null(archive_entry_symlink(ae));
		check_data(a, ae, &w[i]);
	}
	assert_int_equal(archive_read_next_header(a, &ae), ARCHIVE_EOF);
	assert_int_equal(archive_read_free(a), ARCHIVE_OK);
}

static void entries_round_trip(void **state)
{
	static const struct want w[] = {
		{"bin/", AE_IFDIR, 0755, 0, NULL, NULL, NULL},
		{"bin/app", AE_IFREG, 04755, 0, NULL, "/bin/app", NULL},
		{"etc/", AE_IFDIR, 0755, 0, NULL, NULL, NULL},
		{"etc/passwd", AE_IFREG, 0644, 65532, NULL, NULL, passwd},
		{"lib/", AE_IFDIR, 0755, 0, NULL, NULL, NULL},
		{"lib/libx.so", AE_IFLNK, 0777, 0, "libx.so.1", NULL, NULL},
		{"lib/libx.so.1", AE_IFREG, 0644, 0, NULL, "/lib/libx.so.1", NULL},
		{"tmp/", AE_IFDIR, 01777, 0, NULL, NULL, NULL},
	};
	struct strbuf err = STRBUF_INIT;
	struct manifest m;
	char *buf;
	size_t len;

	build(&m);
	assert_int_equal(write_mem(&m, MTIME, &buf, &len, &err), 0);
	assert_int_equal(err.len, 0);
	check_raw(buf, len, false);
	check_entries(buf, len, w, sizeof(w) / sizeof(w[0]), MTIME,
		      ARCHIVE_FORMAT_TAR_USTAR);
	free(buf);
	manifest_release(&m);
	strbuf_release(&err);
}

static void output_is_reproducible(void **state)
{
	struct strbuf err = STRBUF_INIT;
	char *a, *b, *c;
	size_t alen, blen, clen;
	struct manifest m;

	build(&m);
	assert_int_equal(write_mem(&m, MTIME, &a, &alen, &err), 0);
	assert_int_equal(write_mem(&m, MTIME, &b, &blen, &err), 0);
	assert_int_equal(write_mem(&m, MTIME + 1, &c, &clen, &err), 0);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	assert_int_equal(alen, clen);
	assert_memory_not_equal(a, c, alen);
	free(a);
	free(b);
	free(c);
	manifest_release(&m);
	strbuf_release(&err);
}

/* open_fd() would pad a pipe's last block to 10 KiB and not a file's. */
static void pipe_and_file_get_the_same_bytes(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct manifest m;
	char *a, *b;
	size_t alen, blen;
	int p[2];

	manifest_init(&m);
	add_dir(&m, "/etc", 0755);
	add_data(&m, "/etc/passwd", passwd, 0644, 65532);
	assert_int_equal(write_mem(&m, MTIME, &a, &alen, &err), 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(archive_write_tar(&m, R, p[1], "out.tar", MTIME, &err), 0);
	close(p[1]);
	assert_int_equal(read_file_fd(p[0], 1 << 20, &b, &blen), 0);
	close(p[0]);
	assert_int_equal(alen, 512 * 5); /* 2 headers, 1 data block, 2 zero */
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	free(a);
	free(b);
	manifest_release(&m);
	strbuf_release(&err);
}

static void empty_manifest_is_an_empty_tar(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct manifest m;
	char *buf;
	size_t len;

	manifest_init(&m);
	assert_int_equal(write_mem(&m, MTIME, &buf, &len, &err), 0);
	check_raw(buf, len, false);
	assert_int_equal(len, 1024);
	check_entries(buf, len, NULL, 0, MTIME, 0);
	free(buf);
	manifest_release(&m);
	strbuf_release(&err);
}

/* Names past ustar's 100+155 and non-ASCII names need a pax header; it
 * must be as reproducible as the rest. */
static void long_and_non_ascii_names(void **state)
{
	static const char longdir[] =
		"/opt/"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaa";
	static const struct want w[] = {
		{"caf\xc3\xa9", AE_IFREG, 0600, 7, NULL, NULL, "x"},
		{"l\xe9gacy", AE_IFREG, 0600, 7, NULL, NULL, "y"},
		{"opt/", AE_IFDIR, 0755, 0, NULL, NULL, NULL},
		{NULL, AE_IFDIR, 0755, 0, NULL, NULL, NULL},
		{NULL, AE_IFREG, 0644, 3000000, NULL, NULL, "z"},
	};
	struct want ww[5];
	struct strbuf err = STRBUF_INIT, name = STRBUF_INIT, dname = STRBUF_INIT;
	struct manifest m;
	char *a, *b;
	size_t alen, blen;

	memcpy(ww, w, sizeof(w));
	strbuf_addf(&name, "%s/%s", longdir,
		    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
		    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	ww[4].name = name.buf + 1;
	strbuf_addf(&dname, "%s/", longdir + 1);
	ww[3].name = dname.buf;
	manifest_init(&m);
	add_data(&m, "/caf\xc3\xa9", "x", 0600, 7);
	add_data(&m, "/l\xe9gacy", "y", 0600, 7);
	for (char *c = strchr(name.buf + 1, '/'); c; c = strchr(c + 1, '/')) {
		*c = '\0';
		add_dir(&m, name.buf, 0755);
		*c = '/';
	}
	add_data(&m, name.buf, "z", 0644, 3000000); /* past ustar's 7 octal digits */
	manifest_sort(&m);
	assert_int_equal(write_mem(&m, MTIME, &a, &alen, &err), 0);
	assert_int_equal(write_mem(&m, MTIME, &b, &blen, &err), 0);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	check_raw(a, alen, true);
	check_entries(a, alen, ww, 5, MTIME, 0);
	free(b);
	/* The same bytes whatever locale the program runs in. */
	if (setlocale(LC_ALL, "C.UTF-8")) {
		assert_int_equal(write_mem(&m, MTIME, &b, &blen, &err), 0);
		assert_non_null(setlocale(LC_ALL, "C"));
		assert_int_equal(alen, blen);
		assert_memory_equal(a, b, alen);
	} else {
		b = NULL;
	}
	free(a);
	free(b);
	manifest_release(&m);
	strbuf_release(&name);
	strbuf_release(&dname);
	strbuf_release(&err);
}

/* A file replaced after it was examined is refused, not archived. */
static void replaced_file_is_stale(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct manifest m;
	char *buf;
	size_t len;

	mk("/victim", "before\n", 7);
	manifest_init(&m);
	add_data(&m, "/a", "first", 0644, 0);
	add_file(&m, "/victim", "/victim", 0644);
	add_data(&m, "/z", "last", 0644, 0);
	manifest_sort(&m);
	mk("/victim.new", "before\n", 7); /* same bytes, another inode */
	assert_int_equal(rename(host("/victim.new"), host("/victim")), 0);
	assert_int_equal(write_mem(&m, MTIME, &buf, &len, &err), -ESTALE);
	assert_non_null(strstr(err.buf, "'/victim'"));
	assert_non_null(strstr(err.buf, "changed since it was examined"));
	/* Nothing is finished off: no end-of-archive after the failure. */
	assert_int_equal(len % 10240, 0);
	free(buf);
	manifest_release(&m);
	assert_int_equal(unlink(host("/victim")), 0);
	strbuf_release(&err);
}

static void resized_file_is_stale(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct manifest m;
	char *buf;
	size_t len;

	mk("/grown", "short\n", 6);
	manifest_init(&m);
	add_file(&m, "/grown", "/grown", 0644);
	mk("/grown", "longer now\n", 11); /* O_TRUNC: same inode */
	assert_int_equal(write_mem(&m, MTIME, &buf, &len, &err), -ESTALE);
	assert_non_null(strstr(err.buf, "'/grown'"));
	free(buf);
	manifest_release(&m);
	assert_int_equal(unlink(host("/grown")), 0);
	strbuf_release(&err);
}

static void missing_file_fails(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct manifest m;
	char *buf;
	size_t len;

	mk("/gone", "x", 1);
	manifest_init(&m);
	add_file(&m, "/gone", "/gone", 0644);
	assert_int_equal(unlink(host("/gone")), 0);
	assert_int_equal(write_mem(&m, MTIME, &buf, &len, &err), -ENOENT);
	assert_non_null(strstr(err.buf, "'/gone'"));
	free(buf);
	manifest_release(&m);
	strbuf_release(&err);
}

/* A failing output keeps its errno and says so. */
static void write_errors_keep_their_errno(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct manifest m;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	build(&m);
	assert_int_equal(archive_write_tar(&m, R, fd, "out.tar", MTIME, &err), -EBADF);
	/* The failure is the output's, whatever entry was being written. */
	assert_string_equal(err.buf, "'out.tar': Bad file descriptor");
	close(fd);
	fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		assert_int_equal(archive_write_tar(&m, R, fd, "out.tar", MTIME, &err), -ENOSPC);
		assert_string_equal(err.buf, "'out.tar': No space left on device");
		close(fd);
	}
	manifest_release(&m);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(entries_round_trip),
		cmocka_unit_test(output_is_reproducible),
		cmocka_unit_test(pipe_and_file_get_the_same_bytes),
		cmocka_unit_test(empty_manifest_is_an_empty_tar),
		cmocka_unit_test(long_and_non_ascii_names),
		cmocka_unit_test(replaced_file_is_stale),
		cmocka_unit_test(resized_file_is_stale),
		cmocka_unit_test(missing_file_fails),
		cmocka_unit_test(write_errors_keep_their_errno),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
