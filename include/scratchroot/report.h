/*
 * report: every view of the manifest, for people and scripts.  Each
 * function writes to the FILE it is given and decides nothing; main.c
 * picks the view.  Every path and name read from a file is printed with
 * diag_escape(), so a hostile name cannot break a line-based view.
 *
 *  --list:  the image's paths, sorted: every entry but the directories that
 *           only hold other entries (those follow from the paths below).
 *  --why:   the same paths, each with the main reason it is there.
 *  --tree:  for each program, its loader and every object under the object
 *           that first needed it, with how it was found and for whom, its
 *           size before and after shrinking, and the files loaded at run
 *           time with their reasons.
 *  summary: the totals against the floor, the largest files, and each file
 *           loaded at run time once, with its reason.
 *  traced:  (--tree and the summary) each traced run or record replayed:
 *           its outcome, what it added, the names it probed and did not
 *           find, what was left out and why (reporttrace.c).
 */
#ifndef SCRATCHROOT_REPORT_H
#define SCRATCHROOT_REPORT_H

#include <stdio.h>

#include "scratchroot/manifest.h"
#include "scratchroot/shrink.h"

/* Appends the text of reason R of M ("libc.so.6 (ld.so.cache) for
 * /usr/bin/curl", "program", "symlink on the way"...). */
void report_reason(const struct manifest *m, const struct mreason *r, struct strbuf *out);

void report_list(const struct manifest *m, FILE *out);
void report_why(const struct manifest *m, FILE *out);

/* SS (may be NULL: sizes unknown) are the shrink figures of M. */
void report_tree(const struct manifest *m, const struct shrink_stats *ss, FILE *out);
void report_summary(const struct manifest *m, const struct shrink_stats *ss, FILE *out);

/* The "traced" section of --tree, and its lines of the summary. */
void report_traced(const struct manifest *m, FILE *out);
void report_traced_summary(const struct manifest *m, FILE *out);

#endif
