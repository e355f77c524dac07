/*
 * needs: what is loaded behind DT_NEEDED's back, and why.
 *
 * The failures users hit most with scratch images are files loaded after
 * start-up: libgcc_s.so.1 for pthread_cancel, NSS configuration and modules
 * for user and host lookups, CA certificates for TLS, the configuration
 * libraries read when they start (OpenSSL's, with the providers it
 * activates; APT's), terminfo entries for
 * ncurses, time zones, gconv modules, locales, and libraries named in
 * systemd's .note.dlopen.  This module decides, from
 * what the programs and their libraries import and contain, which of these
 * bundles each program needs, and adds them to the walk: libraries through
 * walk_dlopen() (found the way the C library's own dlopen finds them), files
 * through walk_extra(), each with its reason.  Data that cannot be chosen
 * statically (time zones, charsets, locales) comes only on request; when a
 * program uses it, a note names the option instead.
 *
 * Loader-exact where the loader decides (see doc/loader-rules.md R1-R12);
 * the rules for each bundle are in needs.c, one function per bundle.
 */
#ifndef SCRATCHROOT_NEEDS_H
#define SCRATCHROOT_NEEDS_H

#include <stdbool.h>

#include "scratchroot/walk.h"

enum bundle {
	BUNDLE_CERTS,
	BUNDLE_NSS,
	BUNDLE_LIBGCC_S,
	BUNDLE_TZDATA,
	BUNDLE_GCONV,
	BUNDLE_LOCALE,
	BUNDLE_NETBASE,
	BUNDLE_DLOPEN_NOTES,
	BUNDLE_TERMINFO,
	BUNDLE_CONFIG,
	BUNDLE_BASE,
	BUNDLE_COUNT
};

enum bundle_choice {
	BUNDLE_AUTO,		/* when the programs need it */
	BUNDLE_WITH,		/* always (--with NAME[=ARGS]) */
	BUNDLE_WITHOUT,		/* never (--without NAME) */
};

struct needs_opts {
	enum bundle_choice choice[BUNDLE_COUNT];
	struct strlist args[BUNDLE_COUNT];	/* --with NAME=A,B: A and B */
	bool notes;		/* make notes (DIAG_NOTE): not for --list */
};

/* Fills W with the imports the rules look at, for the ELF reader's parse
 * options (elfobj.h): objects parsed without it keep every import. */
void needs_watch(struct elfobj_watch *w);

/* The bundle called NAME ("certs", "nss", ...), or -1. */
int needs_bundle(const char *name);

/* Parses "NAME[=A,B]" of --with (WITH true) or --without, each argument
 * checked for what it names (a zone may have '/', a charset, a locale or a
 * terminal name not; never a ".." or an absolute path).  Returns 0, or -1 with a reason
 * in err. */
int needs_parse_option(struct needs_opts *o, const char *arg, bool with,
		       struct strbuf *err);
void needs_opts_release(struct needs_opts *o);

/*
 * Reads what the rules need from program P's own file (a Go program's
 * packages, a static program's NSS code) and keeps it with P.  It depends
 * on the file alone, so the threads of a batch do it for their programs;
 * needs_apply() does it for a program that has not had it.
 */
void needs_prepare(struct walk *w, struct program *p);

/*
 * Adds what program P needs at run time to the walk, its diagnostics the
 * program's (walk.h).  Runs once per program.  Returns 0, or -1 when a
 * problem that fails the job was recorded.
 */
int needs_apply(struct walk *w, struct program *p, const struct needs_opts *o);

#endif
