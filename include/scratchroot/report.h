/*
 * report: views of the walk for people and scripts.  Each function writes
 * to the FILE it is given and decides nothing; main.c picks the view.
 *
 *  --tree: for each program, its loader and every object under the object
 *          that first needed it, with how it was found and for whom.
 *  --list: the sorted, de-duplicated absolute paths the image needs.
 */
#ifndef SCRATCHROOT_REPORT_H
#define SCRATCHROOT_REPORT_H

#include <stdio.h>

#include "scratchroot/walk.h"

void report_tree(const struct walk *w, FILE *out);
void report_list(const struct walk *w, FILE *out);

#endif
