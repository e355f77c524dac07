/*
 * archive: the manifest as a reproducible tar, through libarchive.
 *
 * PAX (restricted) format, entries in manifest order (sorted, parents
 * first), numeric owners and no user or group names, every mtime set to the
 * same given time, no atime/ctime, no device or inode numbers: the same
 * manifest and source files give the same bytes on every run.  Regular files
 * are read through mentry_open(), and refused if the file is no longer
 * the one the manifest was made from.
 */
#ifndef SCRATCHROOT_ARCHIVE_H
#define SCRATCHROOT_ARCHIVE_H

#include <time.h>

#include "scratchroot/manifest.h"
#include "scratchroot/root.h"

/*
 * Writes M (sorted) as a tar to the open file descriptor FD, the output
 * NAME (for messages: a failed write names it).  File bytes come from root
 * R or M's staged copies.  Every entry gets MTIME.  Returns 0, or -errno
 * with "'PATH': reason" in err.  FD is not closed.
 */
int archive_write_tar(const struct manifest *m, const struct root *r, int fd,
		      const char *name, time_t mtime, struct strbuf *err);

#endif
