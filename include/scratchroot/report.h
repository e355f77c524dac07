/*
 * report: views of the walk for people and scripts.  Each function writes
 * to the FILE it is given and decides nothing; main.c picks the view.
 *
 *  --tree: for each program, its loader and every object under the object
 *          that first needed it, with how it was found and for whom, its
 *          size before and after stripping, and the files loaded at run time
 *          with their reasons.
 *  --list: the sorted, de-duplicated absolute paths the image needs.
 */
#ifndef SCRATCHROOT_REPORT_H
#define SCRATCHROOT_REPORT_H

#include <stdio.h>

#include "scratchroot/manifest.h"
#include "scratchroot/shrink.h"
#include "scratchroot/walk.h"

/* M (may be NULL) is the image's manifest after shrinking: each file's size
 * before and after, and the total against the floor (SS), are shown. */
void report_tree(const struct walk *w, const struct manifest *m,
		 const struct shrink_stats *ss, FILE *out);
void report_list(const struct walk *w, FILE *out);

#endif
