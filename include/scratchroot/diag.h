/*
 * diag: the one type for what the tool has to say about its inputs.
 *
 * Every problem, warning and note, from the walk, the run-time rules, the
 * decide step, shrinking and the sinks, is a struct diag: a severity, the
 * path it is about, and a one-line message.  A list of them (struct diags)
 * belongs to whoever found them (a program of the walk, the image); lists
 * are concatenated in input order, never re-sorted.  Only main.c prints
 * them, through diag_format(), which escapes every byte that could break
 * the one-line form (control characters, invalid UTF-8, backslashes), so a
 * hostile file name cannot forge a line of its own.
 */
#ifndef SCRATCHROOT_DIAG_H
#define SCRATCHROOT_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "scratchroot/util.h"

enum diag_severity {
	DIAG_ERROR,		/* the job fails */
	DIAG_WARNING,		/* reported; the job goes on */
	DIAG_NOTE,		/* advice for the summary (an option to consider) */
	DIAG_INFO,		/* a result to report as it is (what --check ran) */
};

struct diag {
	enum diag_severity severity;
	char *path;		/* the file it is about, or NULL */
	char *message;		/* one line, no trailing newline */
};

struct diags {
	struct diag *v;
	size_t n, alloc;
	size_t errors;		/* how many of them are DIAG_ERROR */
};
#define DIAGS_INIT { NULL, 0, 0, 0 }

/* Appends a diagnostic about PATH (may be NULL). */
void diag_add(struct diags *d, enum diag_severity s, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void diag_vadd(struct diags *d, enum diag_severity s, const char *path, const char *fmt,
	       va_list ap);

/* Whether D already holds a diagnostic equal to (S, PATH, MSG) at or after
 * index FROM: rules that fire once per object say it once per program. */
bool diags_has(const struct diags *d, size_t from, enum diag_severity s, const char *path,
	       const char *msg);

/* Moves every diagnostic of FROM to the end of INTO; FROM is left empty. */
void diags_move(struct diags *into, struct diags *from);
void diags_release(struct diags *d);

/* Appends "scratchroot: 'PATH': [warning: |note: ]MESSAGE" (no newline),
 * every unsafe byte escaped. */
void diag_format(const struct diag *d, struct strbuf *out);

/* Appends S with control characters, backslashes and bytes that are not
 * valid UTF-8 written as \n, \t, \\ or \xNN: what any text view prints of a
 * path or a name read from a file. */
void diag_escape(struct strbuf *out, const char *s);

#endif
