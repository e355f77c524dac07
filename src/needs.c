/* needs: run-time files behind DT_NEEDED's back; see needs.h.  Section and
 * rule names (R2, R8...) refer to doc/loader-rules.md (R1-R12). */
#include <config.h>

#include <elf.h>
#include <errno.h>
#include <gelf.h>
#include <json-c/json.h>
#include <pthread.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratchroot/gofacts.h"
#include "scratchroot/needs.h"

#define MAX_OBJECT (512u << 20)

static const char *const bundle_names[BUNDLE_COUNT] = {
	"certs", "nss", "libgcc_s", "tzdata", "gconv", "locale", "netbase",
	"dlopen-notes", "terminfo", "config", "base",
};

int needs_bundle(const char *name)
{
	for (int i = 0; i < BUNDLE_COUNT; i++)
		if (!strcmp(name, bundle_names[i]))
			return i;
	return -1;
}

/* Whether ARG names something of bundle B in a directory of the root: a
 * time zone (TZif file names under zoneinfo, with '/': "Europe/Paris"), a
 * charset, a locale or a terminal (a single name).  Never absolute, never "..", no
 * empty component. */
static bool arg_ok(enum bundle b, const char *arg)
{
	bool slashes = b == BUNDLE_TZDATA;

	if (!*arg || arg[0] == '/' || arg[strlen(arg) - 1] == '/')
		return false;
	for (const char *c = arg; *c;) {
		size_t n = strcspn(c, "/");

		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f)
				return false;
		if (!c[n])
			return true;
		if (!slashes)
			return false;
		c += n + 1;
	}
	return true;
}

int needs_parse_option(struct needs_opts *o, const char *arg, bool with,
		       struct strbuf *err)
{
	const char *eq = strchr(arg, '=');
	char *name = eq ? xstrndup(arg, (size_t)(eq - arg)) : xstrdup(arg);
	int b = needs_bundle(name);
	struct strlist parts = STRLIST_INIT;
	int ret = 0;

	if (b < 0) {
		seterr(err, -EINVAL, "unknown bundle '%s' (certs, nss, libgcc_s, tzdata, gconv, locale, netbase, dlopen-notes, terminfo, config, base)",
		       name);
		free(name);
		return -1;
	}
	free(name);
	if (eq && !with)
		return seterr(err, -EINVAL, "--without takes no '=' list"), -1;
	if (eq && b != BUNDLE_TZDATA && b != BUNDLE_GCONV && b != BUNDLE_LOCALE &&
	    b != BUNDLE_TERMINFO)
		return seterr(err, -EINVAL, "bundle '%s' takes no '=' list", bundle_names[b]), -1;
	o->choice[b] = with ? BUNDLE_WITH : BUNDLE_WITHOUT;
	strlist_clear(&o->args[b]);
	if (eq && eq[1])
		search_split(eq + 1, ",", &parts);
	for (size_t i = 0; i < parts.n && !ret; i++) {
		if (!*parts.v[i])
			continue;
		if (!arg_ok(b, parts.v[i]))
			ret = seterr(err, -EINVAL, "'%s' is not a %s name", parts.v[i],
				     b == BUNDLE_TZDATA ? "time zone" : b == BUNDLE_GCONV ? "charset"
				     : b == BUNDLE_TERMINFO ? "terminal" : "locale");
		else
			strlist_add(&o->args[b], parts.v[i]);
	}
	strlist_clear(&parts);
	return ret < 0 ? -1 : 0;
}

void needs_opts_release(struct needs_opts *o)
{
	for (int i = 0; i < BUNDLE_COUNT; i++)
		strlist_clear(&o->args[i]);
}

/* ---- what a program's objects import and contain ---- */

/* The imports each rule looks for. */
static const char *const cancel_syms[] = { "pthread_cancel", "pthread_exit", "backtrace",
					   NULL };
static const char *const user_syms[] = {
	"getpwnam", "getpwnam_r", "getpwuid", "getpwuid_r", "getpwent", "getpwent_r",
	"getgrnam", "getgrnam_r", "getgrgid", "getgrgid_r", "getgrent", "getgrent_r",
	"getgrouplist", "initgroups", "getspnam", "getspnam_r", NULL };
static const char *const host_syms[] = {
	"getaddrinfo", "gethostbyname", "gethostbyname2", "gethostbyname_r",
	"gethostbyname2_r", "gethostbyaddr", "gethostbyaddr_r", "getnameinfo",
	"gethostent", NULL };
static const char *const service_syms[] = {
	"getservbyname", "getservbyname_r", "getservbyport", "getservbyport_r",
	"getservent", NULL };
static const char *const protocol_syms[] = {
	"getprotobyname", "getprotobyname_r", "getprotobynumber", "getprotobynumber_r",
	"getprotoent", NULL };
static const char *const tz_syms[] = { "tzset", "localtime", "localtime_r", "mktime",
				       "strftime", NULL };
static const char *const iconv_syms[] = { "iconv_open", NULL };
static const char *const locale_syms[] = { "setlocale", "newlocale", NULL };
static const char *const dlopen_syms[] = { "dlopen", NULL };

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The lists, and for each the bits of its names in elfobj.watched: the
 * names of every list, sorted, are the watch (needs_watch()); the bits
 * follow from that order, the same in every run. */
static const char *const *const watch_lists[] = {
	cancel_syms, user_syms, host_syms, service_syms, protocol_syms,
	tz_syms, iconv_syms, locale_syms, dlopen_syms,
};
#define N_LISTS (sizeof(watch_lists) / sizeof(watch_lists[0]))
static struct {
	const char *names[ELFOBJ_MAX_WATCH];
	size_t n;
	uint64_t bits[N_LISTS][2];
} watched;
static pthread_once_t watched_once = PTHREAD_ONCE_INIT;

static void watched_init(void)
{
	for (size_t i = 0; i < N_LISTS; i++)
		for (const char *const *s = watch_lists[i]; *s && watched.n < ELFOBJ_MAX_WATCH; s++)
			watched.names[watched.n++] = *s;
	qsort(watched.names, watched.n, sizeof(*watched.names), cmp_str);
	for (size_t i = 0; i < N_LISTS; i++)
		for (const char *const *s = watch_lists[i]; *s; s++)
			for (size_t k = 0; k < watched.n; k++)
				if (!strcmp(watched.names[k], *s))
					watched.bits[i][k / 64] |= 1ull << (k % 64);
}

void needs_watch(struct elfobj_watch *w)
{
	pthread_once(&watched_once, watched_init);
	elfobj_watch_init(w, watched.names, watched.n);
}

/* Whether object E may import a name of SYMS: when it was parsed with the
 * watch, a test of its bits; otherwise, yes. */
static bool may_import(const struct elfobj *e, const char *const *syms)
{
	if (!e->imports_watched)
		return true;
	for (size_t i = 0; i < N_LISTS; i++)
		if (watch_lists[i] == syms)
			return (e->watched[0] & watched.bits[i][0]) ||
			       (e->watched[1] & watched.bits[i][1]);
	return true;
}

struct ctx {
	struct walk *w;
	struct program *p;
	const struct needs_opts *o;
	bool glibc, musl;
	bool stripped_static;	/* a static program whose functions are unknown */
	int ret;
};

static void note(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem_of(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A note for the summary, once per program. */
static void note(struct ctx *c, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (!c->o->notes)
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	program_diag(c->p, DIAG_NOTE, true, program_path(c->p), "%s", sb.buf);
	strbuf_release(&sb);
}

static void problem_of(struct ctx *c, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	program_diag(c->p, DIAG_ERROR, false, program_path(c->p), "%s", sb.buf);
	strbuf_release(&sb);
	c->ret = -1;
}

/* The first object of the program that imports one of SYMS; *which gets
 * the symbol. */
static const struct dso *importer(const struct program *p, const char *const *syms,
				  const char **which)
{
	for (size_t i = 0; i < program_n_objects(p); i++) {
		const struct dso *d = program_object(p, i);
		const struct elfobj *e = dso_elf(d);

		if (!e || !may_import(e, syms))
			continue;
		for (const char *const *s = syms; *s; s++)
			if (elfobj_imports(e, *s)) {
				if (which)
					*which = *s;
				return d;
			}
	}
	return NULL;
}

static struct dso *by_soname(const struct program *p, const char *prefix)
{
	size_t n = strlen(prefix);

	for (size_t i = 0; i < program_n_objects(p); i++) {
		struct dso *d = program_object(p, i);
		const struct elfobj *e = dso_elf(d);

		if (e && e->soname && !strncmp(e->soname, prefix, n))
			return d;
	}
	return NULL;
}

static struct dso *libc_of(const struct program *p)
{
	const struct ldso *l = program_ldso(p);

	if (l && l->flavour == LIBC_MUSL)
		return program_interp(p);
	return by_soname(p, "libc.so.");
}

/* The read-only data of an object (elfobj's rodata ranges, a NUL after
 * each), where the compiled-in strings searched for below live: a fraction
 * of a large static program.  Caller frees. */
static char *object_rodata(const struct walk *w, const struct dso *d, size_t *len)
{
	const struct elfobj *e = d ? dso_elf(d) : NULL;
	size_t total = 0, at = 0;
	char *buf;
	int fd;

	if (!e || !dso_real(d) || !e->n_rodata)
		return NULL;
	for (size_t i = 0; i < e->n_rodata; i++) {
		if (e->rodata[i].size > MAX_OBJECT - total)
			return NULL;
		total += (size_t)e->rodata[i].size + 1;
	}
	fd = root_open_file(walk_root(w), dso_real(d));
	if (fd < 0)
		return NULL;
	buf = xmalloc(total);
	for (size_t i = 0; i < e->n_rodata; i++) {
		size_t n = (size_t)e->rodata[i].size;
		ssize_t r = pread(fd, buf + at, n, (off_t)e->rodata[i].offset);

		/* A file that shrank since it was parsed gives what it has. */
		at += r > 0 ? (size_t)r : 0;
		buf[at++] = '\0';
	}
	close(fd);
	*len = at;
	return buf;
}

/*
 * Which of the N strings NEEDLES (each with its NUL) are in the read-only
 * data of D, as memmem() over object_rodata()'s buffer would tell, but read
 * in pieces from the end: in a static program the C library's strings come
 * after the program's own (the linker lays out its archive members last),
 * so a search that stops once every string is found reads a tail of a few
 * hundred KiB out of megabytes.  Sets FOUND[i]; false when D is unreadable.
 */
#define RODATA_PIECE (256u << 10)
static bool rodata_has(const struct walk *w, const struct dso *d, const char *const *needles,
		       size_t n, bool *found)
{
	const struct elfobj *e = d ? dso_elf(d) : NULL;
	size_t total = 0, max = 0, left = n;
	char *buf;
	int fd;

	for (size_t k = 0; k < n; k++) {
		size_t m = strlen(needles[k]) + 1;

		found[k] = false;
		max = m > max ? m : max;
	}
	if (!e || !dso_real(d) || !e->n_rodata)
		return false;
	for (size_t i = 0; i < e->n_rodata; i++) {
		if (e->rodata[i].size > MAX_OBJECT - total)
			return false;
		total += (size_t)e->rodata[i].size + 1;
	}
	fd = root_open_file(walk_root(w), dso_real(d));
	if (fd < 0)
		return false;
	buf = xmalloc(RODATA_PIECE + max);
	for (size_t i = e->n_rodata; i-- > 0 && left;) {
		/* The range and the NUL after it, as object_rodata() has them;
		 * each piece overlaps the one after by MAX - 1 bytes. */
		uint64_t size = e->rodata[i].size, hi = size + 1;

		while (hi > 0 && left) {
			uint64_t lo = hi > RODATA_PIECE ? hi - RODATA_PIECE : 0;
			uint64_t end = hi + max - 1 < size + 1 ? hi + max - 1 : size + 1;
			size_t want = (size_t)((end < size ? end : size) - lo), got;
			ssize_t r = want ? pread(fd, buf, want, (off_t)(e->rodata[i].offset + lo)) : 0;

			got = r > 0 ? (size_t)r : 0;
			if (end == size + 1 || got < want)
				buf[got++] = '\0';
			for (size_t k = 0; k < n; k++)
				if (!found[k] && memmem(buf, got, needles[k], strlen(needles[k]) + 1)) {
					found[k] = true;
					left--;
				}
			hi = lo;
		}
	}
	free(buf);
	close(fd);
	return true;
}

/* Each NUL-terminated string of BUF that starts with PREFIX, in turn. */
static const char *next_string(const char *buf, size_t len, const char *prefix,
			       const char **pos)
{
	size_t n = strlen(prefix);
	const char *p = *pos ? *pos : buf, *end = buf + len;

	while (p < end && (p = memmem(p, (size_t)(end - p), prefix, n))) {
		const char *s = p;

		p += n;
		if (s != buf && s[-1] != '\0')
			continue;
		if (!memchr(s, '\0', (size_t)(end - s)))
			return NULL;
		*pos = s + strlen(s) + 1;
		return s;
	}
	return NULL;
}

static bool exists(const struct walk *w, const char *path, bool regular)
{
	struct stat st;

	return root_resolve(walk_root(w), path, NULL, NULL, &st, NULL) == 0 &&
	       (!regular || S_ISREG(st.st_mode));
}

static void need_file(struct ctx *c, const char *path, const char *why)
{
	if (!exists(c->w, path, false)) {
		note(c, "%s is missing in the root (%s)", path, why);
		return;
	}
	walk_extra(c->w, c->p, path, why, NULL, 0);
}

static bool wanted(const struct ctx *c, enum bundle b, bool detected)
{
	return c->o->choice[b] == BUNDLE_WITH || (c->o->choice[b] == BUNDLE_AUTO && detected);
}

/* ---- the bundles ---- */

/* R4: glibc dlopens libgcc_s.so.1 to unwind for pthread_cancel and
 * pthread_exit, and for backtrace. */
static void bundle_libgcc_s(struct ctx *c)
{
	const char *sym = NULL;
	const struct dso *d = importer(c->p, cancel_syms, &sym);
	struct dso *libc = libc_of(c->p);
	struct strbuf why = STRBUF_INIT;

	if (!c->glibc || !wanted(c, BUNDLE_LIBGCC_S, d) || !libc)
		return;
	if (d)
		strbuf_addf(&why, "glibc loads it for %s; imported by %s", sym, dso_path(d));
	else
		strbuf_addstr(&why, "--with libgcc_s");
	walk_dlopen(c->w, c->p, libc, "libgcc_s.so.1", why.buf, true);
	strbuf_release(&why);
}

enum nssdb { DB_USERS = 1, DB_HOSTS = 2, DB_SERVICES = 4, DB_PROTOCOLS = 8 };

static unsigned nss_databases(const struct program *p, const struct dso **by)
{
	unsigned dbs = 0;
	const struct dso *d;

	*by = NULL;
	if ((d = importer(p, user_syms, NULL)))
		dbs |= DB_USERS, *by = d;
	if ((d = importer(p, host_syms, NULL)))
		dbs |= DB_HOSTS, *by = *by ? *by : d;
	if ((d = importer(p, service_syms, NULL)))
		dbs |= DB_SERVICES, *by = *by ? *by : d;
	if ((d = importer(p, protocol_syms, NULL)))
		dbs |= DB_PROTOCOLS, *by = *by ? *by : d;
	return dbs;
}

static const char nsswitch[] =
	"# Written by scratchroot: the files and dns services only (built into\n"
	"# glibc 2.34 and later, libnss_files.so.2 and libnss_dns.so.2 before).\n"
	"passwd:         files\n"
	"group:          files\n"
	"shadow:         files\n"
	"hosts:          files dns\n"
	"networks:       files\n"
	"protocols:      files\n"
	"services:       files\n"
	"ethers:         files\n"
	"rpc:            files\n"
	"netgroup:       files\n";

struct needs_facts {
	bool is_go, static_nss;
	bool old_nss;		/* a static glibc 2.32 or older: NSS by name, no nss_module.c */
	struct gofacts go;
};

static char *memoized(struct walk *w, const char *kind, const struct dso *d,
		      char *(*read)(const struct walk *, const struct dso *));

/* The glibc release of C library D (ldso_libc_minor), as a string. */
static char *libc_minor_read(const struct walk *w, const struct dso *d)
{
	size_t len = 0;
	char *buf = object_rodata(w, d, &len);
	int minor = ldso_libc_minor(buf, len, &dso_elf(d)->verdef);
	struct strbuf sb = STRBUF_INIT;

	free(buf);
	if (!minor)
		return NULL;
	strbuf_addf(&sb, "%d", minor);
	return strbuf_detach(&sb);
}

/*
 * The glibc release the program runs with, 0 when unknown (E4): the
 * program's own libc.so.6 (its banner or version definitions, so a root of
 * glibc 2.31, whose loader names no release, is told apart from the host),
 * else its loader's; for a static program, its own NSS code (2.32 and
 * older build module names without nss_module.c's "libnss_%s.so%s"), else
 * the root's default loader.
 */
static int glibc_minor(struct ctx *c, const struct needs_facts *f)
{
	const struct elfobj *e = program_elf(c->p);
	struct dso *libc = program_ldso(c->p) ? libc_of(c->p) : NULL;
	const char *interp;
	int minor = 0;

	if (libc && !dso_is_interp(libc)) {
		char *v = memoized(c->w, "glibc release", libc, libc_minor_read);

		minor = v ? atoi(v) : 0;
		free(v);
	}
	if (minor)
		return minor;
	if (program_ldso(c->p))
		return program_ldso(c->p)->glibc_minor;
	if (f->old_nss)
		return 32;
	interp = ldso_default_interp(e->e_machine, e->ei_class, e->e_flags);
	return interp ? walk_ldso(c->w, interp, e, false)->glibc_minor : 0;
}

/* Loads NSS module libnss_SERVICE.so.2 the way glibc 2.33 and older do
 * (nss/nsswitch.c nss_load_library: __libc_dlopen of the bare name, so
 * searched from libc.so.6 as any dlopen of it, G14). */
static void nss_module(struct ctx *c, struct dso *caller, const char *service,
		       const char *glibc, const char *what)
{
	struct strbuf name = STRBUF_INIT, why = STRBUF_INIT;

	strbuf_addf(&name, "libnss_%s.so.2", service);
	strbuf_addf(&why, "NSS module of '%s' for %s: %s loads libnss_%s.so.2 (2.34 built it in)",
		    service, what, glibc, service);
	if (!walk_dlopen(c->w, c->p, caller, name.buf, why.buf, true))
		program_diag(c->p, DIAG_WARNING, true, program_path(c->p),
			     "%s is not in the root: %s will find no %s", name.buf, glibc, what);
	strbuf_release(&name);
	strbuf_release(&why);
}

/* In a static program, the loader is not loaded when dlopen starts: the
 * libc.so.6 an NSS module needs asks for it by name (ld-linux-x86-64.so.2),
 * searched like any library, which may open another path than PT_INTERP's
 * (bullseye: /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2, a link to
 * ld-2.31.so, where /lib64's link leads to ld-2.31.so itself). */
static void static_loader(struct ctx *c)
{
	struct dso *libc = libc_of(c->p), *interp = program_interp(c->p);
	const struct elfobj *e = interp ? dso_elf(interp) : NULL;
	char *path;

	if (!libc || !e || !e->soname)
		return;
	path = walk_search_path(c->w, c->p, libc, e->soname);
	if (path && strcmp(path, dso_path(interp)))
		walk_dlopen(c->w, c->p, libc, path,
			    "the loader, which libc.so.6 needs: a static program's dlopen searches for it by name",
			    true);
	free(path);
}

/* R2: NSS, for dynamic glibc programs, static glibc programs (which carry
 * the NSS code and its "/etc/nsswitch.conf"), and Go programs using net;
 * and /etc/hosts, which the files service (and musl, and Go) reads for
 * host names. */
static void bundle_nss(struct ctx *c, unsigned dbs, const struct dso *by,
		       const struct needs_facts *f, const struct gofacts *go)
{
	struct strbuf why = STRBUF_INIT, glibc = STRBUF_INIT;
	bool with = c->o->choice[BUNDLE_NSS] == BUNDLE_WITH;
	bool detected = (c->glibc && (dbs || f->static_nss)) || (go && go->net);
	bool hosts = (dbs & DB_HOSTS) || (go && go->net) || with;
	bool is_static = !program_ldso(c->p);
	struct dso *caller;
	int minor;

	if (c->musl && wanted(c, BUNDLE_NSS, dbs & DB_HOSTS) && exists(c->w, "/etc/hosts", true))
		walk_extra(c->w, c->p, "/etc/hosts",
			   "host names musl reads before asking DNS (the root's; a container runtime usually mounts its own)",
			   NULL, 0);
	if (!wanted(c, BUNDLE_NSS, detected))
		goto out;
	if (by)
		strbuf_addf(&why, "NSS configuration; %s %s user, host or service lookups",
			    dso_path(by), !program_ldso(c->p)
					      ? "contains" : "imports");
	else if (go && go->net)
		strbuf_addstr(&why, "Go's net package reads it to choose its resolver");
	else if (f->static_nss)
		strbuf_addstr(&why, "NSS configuration of a static glibc program");
	else
		strbuf_addstr(&why, "--with nss");
	walk_extra(c->w, c->p, "/etc/nsswitch.conf", why.buf, nsswitch, sizeof(nsswitch) - 1);
	/* 'hosts: files' reads /etc/hosts first: the root's, when it has one
	 * (getent hosts localhost answers from it, not from DNS). */
	if (hosts && exists(c->w, "/etc/hosts", true))
		walk_extra(c->w, c->p, "/etc/hosts",
			   "host names the files service reads before DNS ('hosts: files dns'; the root's, a container runtime usually mounts its own)",
			   NULL, 0);
	/* Before 2.34, files and dns were modules (R2): a static program
	 * then needs the shared C library and loader to load them. */
	minor = c->glibc ? glibc_minor(c, f) : 0;
	if (minor && minor < 34) {
		if (!program_ldso(c->p) && f->old_nss)
			strbuf_addstr(&glibc, "a static glibc older than 2.33");
		else
			strbuf_addf(&glibc, "glibc 2.%d", minor);
		if (!program_interp(c->p))
			walk_attach_loader(c->w, c->p);
		caller = libc_of(c->p) ? libc_of(c->p) : program_main(c->p);
		nss_module(c, caller, "files", glibc.buf, "users, groups or hosts");
		if (hosts)
			nss_module(c, caller, "dns", glibc.buf, "host names in DNS");
		if (is_static)
			static_loader(c);
	}
out:
	strbuf_release(&glibc);
	strbuf_release(&why);
}

/* /etc/services and /etc/protocols (netbase): glibc's files service reads
 * them; musl reads /etc/services itself. */
static void bundle_netbase(struct ctx *c, unsigned dbs)
{
	bool with = c->o->choice[BUNDLE_NETBASE] == BUNDLE_WITH;

	if (c->o->choice[BUNDLE_NETBASE] == BUNDLE_WITHOUT)
		return;
	if (with || (dbs & DB_SERVICES))
		need_file(c, "/etc/services", "service names (getservbyname)");
	if (with || (c->glibc && (dbs & DB_PROTOCOLS)))
		need_file(c, "/etc/protocols", "protocol names (getprotobyname)");
}

/* A fact read out of a library's bytes, remembered by the library's real
 * path and KIND for the other programs of the run: *found tells whether it
 * was read; NULL when the library has none. */
static const char *memo_get(struct walk *w, const char *kind, const struct dso *d,
			    bool *found)
{
	struct strbuf key = STRBUF_INIT;
	const char *v;

	strbuf_addstrs(&key, kind, "\n", dso_real(d), NULL);
	v = strmap_get(walk_memo(w), key.buf);
	strbuf_release(&key);
	*found = v != NULL;
	return v && *v ? v : NULL;
}

static const char *memo_put(struct walk *w, const char *kind, const struct dso *d,
			    char *value)
{
	struct strbuf key = STRBUF_INIT;

	strbuf_addstrs(&key, kind, "\n", dso_real(d), NULL);
	*strmap_put(walk_memo(w), key.buf) = value ? value : xstrdup("");
	strbuf_release(&key);
	return value;
}

/* Where OpenSSL's libcrypto looks: OPENSSLDIR/cert.pem. */
static char *openssl_bundle_read(const struct walk *w, const struct dso *crypto)
{
	size_t len;
	char *buf = object_rodata(w, crypto, &len), *ret = NULL;
	const char *pos = NULL, *s;

	if (!buf)
		return NULL;
	s = next_string(buf, len, "OPENSSLDIR: \"", &pos);
	if (s) {
		const char *q = strchr(s + 13, '"');

		if (q) {
			char *dir = xstrndup(s + 13, (size_t)(q - s - 13));

			ret = path_join(dir, "cert.pem");
			free(dir);
		}
	}
	free(buf);
	return ret;
}

/* GnuTLS's compiled-in trust store: an absolute .crt or .pem path. */
static char *gnutls_bundle_read(const struct walk *w, const struct dso *tls)
{
	size_t len;
	char *buf = object_rodata(w, tls, &len), *ret = NULL;
	const char *pos = NULL, *s;

	while (buf && !ret && (s = next_string(buf, len, "/", &pos))) {
		size_t n = strlen(s);

		if (n > 4 && (!strcmp(s + n - 4, ".crt") || !strcmp(s + n - 4, ".pem")) &&
		    exists(w, s, true))
			ret = xstrdup(s);
	}
	free(buf);
	return ret;
}

/* READ(w, d), once per library and KIND in the run.  Caller frees. */
static char *memoized(struct walk *w, const char *kind, const struct dso *d,
		      char *(*read)(const struct walk *, const struct dso *))
{
	bool found;
	const char *v = memo_get(w, kind, d, &found);

	if (!found)
		v = memo_put(w, kind, d, read(w, d));
	return v ? xstrdup(v) : NULL;
}

/* R8: the CA bundle each TLS library of the program reads. */
static void bundle_certs(struct ctx *c, const struct gofacts *go)
{
	/* crypto/x509's list for Linux (root_linux.go), first found wins. */
	static const char *const gofiles[] = {
		"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
		"/etc/ssl/ca-bundle.pem", "/etc/pki/tls/cacert.pem",
		"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "/etc/ssl/cert.pem", NULL };
	struct dso *crypto = by_soname(c->p, "libcrypto.so");
	struct dso *gnutls = by_soname(c->p, "libgnutls.so");
	struct dso *nss3 = by_soname(c->p, "libnss3.so");
	bool go509 = go && go->x509;
	struct strbuf why = STRBUF_INIT;
	char *path;

	if (!wanted(c, BUNDLE_CERTS, crypto || gnutls || nss3 || go509))
		return;
	if (crypto && (path = memoized(c->w, "openssl", crypto, openssl_bundle_read))) {
		strbuf_addf(&why, "CA bundle of OpenSSL (%s, loaded by %s)",
			    dso_elf(crypto)->soname,
			    dso_loader(crypto) ? dso_path(dso_loader(crypto)) : program_path(c->p));
		need_file(c, path, why.buf);
		free(path);
	}
	if (gnutls) {
		strbuf_reset(&why);
		strbuf_addf(&why, "CA bundle of GnuTLS (%s)", dso_elf(gnutls)->soname);
		path = memoized(c->w, "gnutls", gnutls, gnutls_bundle_read);
		if (path)
			need_file(c, path, why.buf);
		else
			note(c, "GnuTLS is loaded but its CA bundle was not found in the root");
		free(path);
	}
	if (nss3) {
		/* NSS's trust anchors are compiled into libnssckbi.so, which
		 * NSS loads from its own directory, not a bundle file. */
		char *dir = path_dirname(dso_path(nss3)), *ckbi = path_join(dir, "libnssckbi.so");

		strbuf_reset(&why);
		strbuf_addf(&why, "built-in root certificates of NSS; %s loads it", dso_elf(nss3)->soname);
		if (!exists(c->w, ckbi, true) ||
		    !walk_dlopen(c->w, c->p, nss3, ckbi, why.buf, true))
			note(c, "NSS (libnss3) is loaded but no libnssckbi.so lies beside it: it will trust no built-in roots");
		note(c, "NSS (libnss3) also reads the certificate database the program names: add it with --add");
		free(ckbi);
		free(dir);
	}
	if (go509) {
		for (const char *const *f = gofiles; *f; f++)
			if (exists(c->w, *f, true)) {
				need_file(c, *f, "CA bundle Go's crypto/x509 reads");
				break;
			}
	}
	if (c->o->choice[BUNDLE_CERTS] == BUNDLE_WITH && !crypto && !gnutls && !nss3 && !go509)
		need_file(c, gofiles[0], "--with certs");
	strbuf_release(&why);
}

/* R6: zone files on request; a note when the program uses time zones. */
static void bundle_tzdata(struct ctx *c, const struct gofacts *go)
{
	const struct strlist *zones = &c->o->args[BUNDLE_TZDATA];
	const char *dir = "/usr/share/zoneinfo";

	if (c->o->choice[BUNDLE_TZDATA] == BUNDLE_WITH) {
		if (!zones->n) {
			walk_extra_tree(c->w, c->p, dir, "--with tzdata: every zone");
			return;
		}
		for (size_t i = 0; i < zones->n; i++) {
			char *path = path_join(dir, zones->v[i]);

			if (strstr(zones->v[i], "..") || !exists(c->w, path, true)) {
				problem_of(c, "unknown time zone '%s' (no %s)", zones->v[i], path);
			} else {
				walk_extra(c->w, c->p, path, "--with tzdata", NULL, 0);
			}
			free(path);
		}
		return;
	}
	if (c->o->choice[BUNDLE_TZDATA] == BUNDLE_WITHOUT)
		return;
	if ((go && go->loadlocation && !go->tzdata) || importer(c->p, tz_syms, NULL))
		note(c, "uses time zones: --with tzdata[=ZONE,...] adds them");
}


/* The gconv directory compiled into glibc's libc (GCONV_PATH's default). */
static char *gconv_dir(const struct walk *w, const struct dso *libc)
{
	size_t len;
	char *buf = object_rodata(w, libc, &len), *ret = NULL;
	const char *pos = NULL, *s;

	while (buf && !ret && (s = next_string(buf, len, "/", &pos))) {
		size_t n = strlen(s);

		if (n > 6 && !strcmp(s + n - 6, "/gconv"))
			ret = xstrdup(s);
	}
	free(buf);
	return ret;
}

/* The entries of directory DIR in the root not starting with '.', sorted. */
static void list_dir(const struct walk *w, const char *dir, struct strlist *out)
{
	struct strlist names = STRLIST_INIT;
	char *real = NULL;

	if (root_resolve(walk_root(w), dir, NULL, &real, NULL, NULL) == 0 &&
	    root_list_dir(walk_root(w), real, &names) == 0)
		for (size_t i = 0; i < names.n; i++)
			if (names.v[i][0] != '.')
				strlist_add(out, names.v[i]);
	strlist_clear(&names);
	free(real);
}

static void upcase(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

/* gconv's own charset name: upper case, ending in "//". */
static char *charset_key(const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, name);
	if (sb.len < 2 || strcmp(sb.buf + sb.len - 2, "//"))
		strbuf_addstr(&sb, "//");
	upcase(sb.buf);
	return strbuf_detach(&sb);
}

/* Reads the gconv-modules configuration files of DIR: alias lines into
 * ALIASES ("FROM TO" pairs), module lines into MODULES ("FROM TO FILE"). */
static void gconv_read(struct ctx *c, const char *dir, struct strlist *files,
		       struct strlist *aliases, struct strlist *modules)
{
	struct strlist conf = STRLIST_INIT;
	char *d = path_join(dir, "gconv-modules.d");

	strlist_take(files, path_join(dir, "gconv-modules"));
	list_dir(c->w, d, &conf);
	for (size_t i = 0; i < conf.n; i++) {
		size_t n = strlen(conf.v[i]);

		if (n > 5 && !strcmp(conf.v[i] + n - 5, ".conf"))
			strlist_take(files, path_join(d, conf.v[i]));
	}
	strlist_clear(&conf);
	free(d);
	for (size_t i = 0; i < files->n; i++) {
		char *buf = NULL;
		size_t len;

		if (root_read_file(walk_root(c->w), files->v[i], 4u << 20, &buf, &len, NULL) < 0)
			continue;
		char *save = NULL;

		for (char *line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char a[256], b[256], f[256];

			if (sscanf(line, " alias %255s %255s", a, b) == 2) {
				upcase(a);
				upcase(b);
				strlist_take(aliases, xstrdup(a));
				strlist_take(aliases, xstrdup(b));
			} else if (sscanf(line, " module %255s %255s %255s", a, b, f) == 3) {
				upcase(a);
				upcase(b);
				strlist_take(modules, xstrdup(a));
				strlist_take(modules, xstrdup(b));
				strlist_take(modules, xstrdup(f));
			}
		}
		free(buf);
	}
}

/* R3: gconv modules for the requested charsets, with the configuration. */
static void bundle_gconv(struct ctx *c)
{
	struct strlist files = STRLIST_INIT, aliases = STRLIST_INIT, modules = STRLIST_INIT;
	const struct strlist *sets = &c->o->args[BUNDLE_GCONV];
	struct dso *libc = libc_of(c->p);
	char *dir = NULL, *cache;

	if (!c->glibc || c->o->choice[BUNDLE_GCONV] == BUNDLE_WITHOUT)
		return;
	if (c->o->choice[BUNDLE_GCONV] == BUNDLE_AUTO) {
		if (importer(c->p, iconv_syms, NULL))
			note(c, "converts charsets with iconv: --with gconv=CHARSET,... adds the modules");
		return;
	}
	dir = libc ? gconv_dir(c->w, libc) : NULL;
	if (!dir) {
		problem_of(c, "--with gconv: no gconv directory found in the C library");
		return;
	}
	if (!sets->n) {
		walk_extra_tree(c->w, c->p, dir, "--with gconv: every module");
		goto out;
	}
	gconv_read(c, dir, &files, &aliases, &modules);
	for (size_t i = 0; i < files.n; i++)
		if (exists(c->w, files.v[i], true))
			walk_extra(c->w, c->p, files.v[i], "gconv configuration", NULL, 0);
	cache = path_join(dir, "gconv-modules.cache");
	if (exists(c->w, cache, true))
		walk_extra(c->w, c->p, cache, "gconv configuration (the cache glibc reads first)",
			   NULL, 0);
	free(cache);
	for (size_t i = 0; i < sets->n; i++) {
		char *key = charset_key(sets->v[i]);
		size_t found = 0;

		for (size_t k = 0; k + 1 < aliases.n; k += 2)
			if (!strcmp(aliases.v[k], key)) {
				free(key);
				key = xstrdup(aliases.v[k + 1]);
				break;
			}
		for (size_t k = 0; k + 2 < modules.n; k += 3) {
			char *file, *why;
			struct strbuf sb = STRBUF_INIT;

			if (strcmp(modules.v[k], key) && strcmp(modules.v[k + 1], key))
				continue;
			strbuf_addf(&sb, "%s%s", modules.v[k + 2],
				    strchr(modules.v[k + 2], '.') ? "" : ".so");
			file = modules.v[k + 2][0] == '/' ? strbuf_detach(&sb) : path_join(dir, sb.buf);
			strbuf_release(&sb);
			strbuf_addf(&sb, "gconv module for %s (--with gconv)", sets->v[i]);
			why = strbuf_detach(&sb);
			if (walk_dlopen(c->w, c->p, libc, file, why, true))
				found++;
			free(why);
			free(file);
		}
		if (!found)
			problem_of(c, "--with gconv: no module converts '%s'", sets->v[i]);
		free(key);
	}
out:
	strlist_clear(&files);
	strlist_clear(&aliases);
	strlist_clear(&modules);
	free(dir);
}

/* R5: compiled locales on request. */
static void bundle_locale(struct ctx *c)
{
	const struct strlist *names = &c->o->args[BUNDLE_LOCALE];

	if (!c->glibc || c->o->choice[BUNDLE_LOCALE] == BUNDLE_WITHOUT)
		return;
	if (c->o->choice[BUNDLE_LOCALE] == BUNDLE_AUTO) {
		if (importer(c->p, locale_syms, NULL))
			note(c, "calls setlocale: --with locale=NAME (e.g. C.UTF-8) adds a locale");
		return;
	}
	for (size_t i = 0; i < (names->n ? names->n : 1); i++) {
		const char *name = names->n ? names->v[i] : "C.UTF-8";
		struct strbuf norm = STRBUF_INIT;
		const char *dot = strchr(name, '.');
		char *a = path_join("/usr/lib/locale", name), *b;

		/* glibc also tries the codeset normalised: UTF-8 -> utf8. */
		strbuf_add(&norm, name, dot ? (size_t)(dot - name) + 1 : strlen(name));
		for (const char *s = dot ? dot + 1 : ""; *s; s++)
			if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
				strbuf_addch(&norm, *s);
			else if (*s >= 'A' && *s <= 'Z')
				strbuf_addch(&norm, (char)(*s - 'A' + 'a'));
		b = path_join("/usr/lib/locale", norm.buf);
		if (exists(c->w, a, false))
			walk_extra_tree(c->w, c->p, a, "--with locale");
		else if (exists(c->w, b, false))
			walk_extra_tree(c->w, c->p, b, "--with locale");
		else if (exists(c->w, "/usr/lib/locale/locale-archive", true))
			walk_extra(c->w, c->p, "/usr/lib/locale/locale-archive",
				   "--with locale: the archive holding every compiled locale", NULL, 0);
		else
			problem_of(c, "--with locale: '%s' is not compiled in the root", name);
		free(a);
		free(b);
		strbuf_release(&norm);
	}
}

/* The terminal descriptions containers meet most (TERM in docker run -t,
 * tmux, screen, the Linux console, serial lines, CI logs). */
static const char *const common_terms[] = {
	"xterm", "xterm-256color", "screen", "screen-256color", "tmux", "tmux-256color",
	"linux", "vt100", "vt220", "dumb", NULL };

/* The terminfo directories compiled into ncurses' library D: its
 * TERMINFO_DIRS list ("/etc/terminfo:/lib/terminfo:/usr/share/terminfo" on
 * Debian), or else its single default TERMINFO directory; ':'-separated. */
static char *terminfo_dirs_read(const struct walk *w, const struct dso *d)
{
	size_t len;
	char *buf = object_rodata(w, d, &len), *list = NULL, *one = NULL;
	const char *pos = NULL, *s;

	while (buf && !list && (s = next_string(buf, len, "/", &pos))) {
		size_t n = strlen(s);

		if (!strstr(s, "terminfo") || strchr(s, '%') || strchr(s, ' '))
			continue;
		if (strchr(s, ':'))
			list = xstrdup(s);
		else if (!one && n > 9 && !strcmp(s + n - 9, "/terminfo"))
			one = xstrdup(s);
	}
	free(buf);
	if (list) {
		free(one);
		return list;
	}
	return one;
}

/* The first description of terminal NAME in DIRS, as ncurses looks for it
 * (tinfo/read_entry.c: DIR/<first letter>/NAME, or DIR/<its hex code>/NAME
 * on file systems that fold case); NULL when none.  Caller frees. */
static char *terminfo_find(const struct walk *w, const struct strlist *dirs, const char *name)
{
	for (size_t i = 0; i < dirs->n; i++) {
		struct strbuf sb = STRBUF_INIT;

		if (dirs->v[i][0] != '/')
			continue;
		strbuf_addf(&sb, "%s/%c/%s", dirs->v[i], name[0], name);
		if (exists(w, sb.buf, true))
			return strbuf_detach(&sb);
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s/%02x/%s", dirs->v[i], (unsigned char)name[0], name);
		if (exists(w, sb.buf, true))
			return strbuf_detach(&sb);
		strbuf_release(&sb);
	}
	return NULL;
}

/* ncurses reads a terminal's description when a program starts up the
 * terminal (setupterm, tgetent, initscr): libtinfo, or libncurses(w)
 * where the two are one library. */
static void bundle_terminfo(struct ctx *c)
{
	static const char *const libs[] = { "libtinfo.so", "libtinfow.so", "libncursesw.so",
					    "libncurses.so", NULL };
	const struct strlist *extra = &c->o->args[BUNDLE_TERMINFO];
	struct strlist dirs = STRLIST_INIT, names = STRLIST_INIT;
	struct strbuf why = STRBUF_INIT;
	struct dso *lib = NULL;
	char *list = NULL;
	size_t n_common;

	if (c->o->choice[BUNDLE_TERMINFO] == BUNDLE_WITHOUT)
		return;
	for (const char *const *l = libs; *l && !list; l++) {
		struct dso *d = by_soname(c->p, *l);

		if (!d)
			continue;
		list = memoized(c->w, "terminfo dirs", d, terminfo_dirs_read);
		if (!lib || list)
			lib = d;
	}
	if (!lib && c->o->choice[BUNDLE_TERMINFO] != BUNDLE_WITH)
		return;
	if (!list) {
		/* Debian's and Fedora's configure lists, the usual places. */
		list = xstrdup("/etc/terminfo:/lib/terminfo:/usr/share/terminfo");
		if (lib)
			note(c, "%s names no terminfo directory: looked in %s", dso_path(lib), list);
	}
	search_split(list, ":", &dirs);
	for (const char *const *t = common_terms; *t; t++)
		strlist_add(&names, *t);
	n_common = names.n;
	strlist_add_all(&names, extra);
	for (size_t i = 0; i < names.n; i++) {
		bool asked = i >= n_common;
		const char *name = names.v[i];
		char *path = terminfo_find(c->w, &dirs, name);

		if (!path) {
			if (asked)
				problem_of(c, "--with terminfo: no description of terminal '%s' in %s",
					   name, list);
			continue;
		}
		strbuf_reset(&why);
		if (asked)
			strbuf_addf(&why, "terminal description for TERM=%s (--with terminfo)", name);
		else
			strbuf_addf(&why, "terminal description for TERM=%s, which %s reads (--with terminfo=NAME adds others)",
				    name, lib ? dso_elf(lib)->soname : "ncurses");
		walk_extra(c->w, c->p, path, why.buf, NULL, 0);
		free(path);
	}
	strbuf_release(&why);
	strlist_clear(&names);
	strlist_clear(&dirs);
	free(list);
}

/* The quoted value after KEY (such as "MODULESDIR: \"") in BUF, or NULL. */
static char *quoted_after(const char *buf, size_t len, const char *key)
{
	const char *pos = NULL, *s = next_string(buf, len, key, &pos), *q;
	size_t n = strlen(key);

	if (!s || !(q = strchr(s + n, '"')) || q == s + n)
		return NULL;
	return xstrndup(s + n, (size_t)(q - s - n));
}

/* OpenSSL's OPENSSLDIR, MODULESDIR and ENGINESDIR as compiled into libcrypto
 * D (the strings OpenSSL_version() returns), a line each, empty when
 * absent (1.1 has no MODULESDIR). */
static char *openssl_dirs_read(const struct walk *w, const struct dso *d)
{
	static const char *const keys[] = { "OPENSSLDIR: \"", "MODULESDIR: \"", "ENGINESDIR: \"",
					    NULL };
	struct strbuf sb = STRBUF_INIT;
	size_t len;
	char *buf = object_rodata(w, d, &len);

	if (!buf)
		return NULL;
	for (const char *const *k = keys; *k; k++) {
		char *v = quoted_after(buf, len, *k);

		strbuf_addstrs(&sb, v ? v : "", "\n", NULL);
		free(v);
	}
	free(buf);
	return strbuf_detach(&sb);
}

/* An OpenSSL configuration as read: every (section, key, value), in order,
 * from the file and what it includes. */
struct osslconf {
	struct strlist kv;	/* triples */
	char *section;		/* the current one: an included file goes on in it */
	char *includedir;	/* .pragma includedir */
};

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* A value without its comment and quotes. */
static char *conf_value(char *v)
{
	char q = 0;

	for (char *s = v; *s; s++) {
		if (q && *s == q)
			q = 0;
		else if (!q && (*s == '"' || *s == '\''))
			q = *s;
		else if (!q && *s == '#') {
			*s = '\0';
			break;
		}
	}
	v = trim(v);
	if ((v[0] == '"' || v[0] == '\'') && strlen(v) > 1 && v[strlen(v) - 1] == v[0]) {
		v[strlen(v) - 1] = '\0';
		v++;
	}
	return v;
}

static void conf_read(struct ctx *c, struct osslconf *cf, const char *path, const char *why,
		      int depth);

/* .include TARGET of FILE (crypto/conf/conf_def.c process_include): a file,
 * or a directory whose *.cnf and *.conf files are read; a relative TARGET
 * is taken from .pragma includedir, else from the working directory. */
static void conf_include(struct ctx *c, struct osslconf *cf, const char *file,
			 const char *target, int depth)
{
	struct strbuf why = STRBUF_INIT;
	char *path = NULL;
	struct stat st;

	if (target[0] != '/' && !cf->includedir) {
		note(c, "%s includes '%s', which OpenSSL opens from the working directory: add it with --add",
		     file, target);
		return;
	}
	path = target[0] == '/' ? xstrdup(target) : path_join(cf->includedir, target);
	strbuf_addf(&why, "OpenSSL configuration included by %s", file);
	if (root_resolve(walk_root(c->w), path, NULL, NULL, &st, NULL) < 0)
		note(c, "%s includes %s, which is missing in the root", file, path);
	else if (S_ISDIR(st.st_mode)) {
		struct strlist names = STRLIST_INIT;

		list_dir(c->w, path, &names);
		strlist_sort_uniq(&names);
		for (size_t i = 0; i < names.n; i++) {
			size_t n = strlen(names.v[i]);
			char *f;

			if (!(n > 4 && !strcmp(names.v[i] + n - 4, ".cnf")) &&
			    !(n > 5 && !strcmp(names.v[i] + n - 5, ".conf")))
				continue;
			f = path_join(path, names.v[i]);
			conf_read(c, cf, f, why.buf, depth + 1);
			free(f);
		}
		strlist_clear(&names);
	} else {
		conf_read(c, cf, path, why.buf, depth + 1);
	}
	strbuf_release(&why);
	free(path);
}

/* Reads configuration file PATH into CF, and adds it to the image. */
static void conf_read(struct ctx *c, struct osslconf *cf, const char *path, const char *why,
		      int depth)
{
	char *buf = NULL, *save = NULL;
	size_t len;

	if (depth > 8 || root_read_file(walk_root(c->w), path, 4u << 20, &buf, &len, NULL) < 0)
		return;
	walk_extra(c->w, c->p, path, why, NULL, 0);
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *l = trim(line), *eq;

		if (!*l || *l == '#')
			continue;
		if (!strncmp(l, ".include", 8) || !strncmp(l, ".pragma", 7)) {
			bool inc = l[1] == 'i';
			char *v = trim(l + (inc ? 8 : 7));

			if (*v == '=')
				v = trim(v + 1);
			v = conf_value(v);
			if (inc && *v)
				conf_include(c, cf, path, v, depth);
			else if (!inc && !strncmp(v, "includedir:", 11)) {
				free(cf->includedir);
				cf->includedir = xstrdup(trim(v + 11));
			}
		} else if (*l == '[') {
			char *end = strchr(l, ']');

			if (end) {
				*end = '\0';
				free(cf->section);
				cf->section = xstrdup(trim(l + 1));
			}
		} else if ((eq = strchr(l, '='))) {
			*eq = '\0';
			strlist_add(&cf->kv, cf->section);
			strlist_add(&cf->kv, trim(l));
			strlist_add(&cf->kv, conf_value(eq + 1));
		}
	}
	free(buf);
}

/* The last value of KEY in SECTION, or NULL. */
static const char *conf_get(const struct osslconf *cf, const char *section, const char *key)
{
	const char *v = NULL;

	for (size_t i = 0; i + 2 < cf->kv.n; i += 3)
		if (!strcmp(cf->kv.v[i], section) && !strcmp(cf->kv.v[i + 1], key))
			v = cf->kv.v[i + 2];
	return v;
}

static bool conf_false(const char *v)
{
	static const char *const no[] = { "0", "no", "false", "off", "n", "f", NULL };

	for (const char *const *s = no; *s; s++)
		if (!strcasecmp(v, *s))
			return true;
	return false;
}

/* Loads an OpenSSL module PATH (a provider or an engine) as libcrypto
 * CRYPTO's DSO_load does: dlopen of the full path. */
static void openssl_module(struct ctx *c, struct dso *crypto, const char *dir, const char *file,
			   const char *what, const char *name)
{
	struct strbuf why = STRBUF_INIT;
	char *path = file[0] == '/' ? xstrdup(file) : dir && *dir ? path_join(dir, file) : NULL;

	if (!path) {
		note(c, "OpenSSL's configuration loads %s '%s', but libcrypto names no directory for it",
		     what, name);
		return;
	}
	strbuf_addf(&why, "OpenSSL %s '%s', which its configuration loads", what, name);
	if (!exists(c->w, path, true) || !walk_dlopen(c->w, c->p, crypto, path, why.buf, true))
		program_diag(c->p, DIAG_WARNING, true, program_path(c->p),
			     "OpenSSL's configuration loads %s '%s', but %s is not in the root", what,
			     name, path);
	strbuf_release(&why);
	free(path);
}

/* R8, R11: the configuration libcrypto reads at initialisation
 * (OPENSSLDIR/openssl.cnf; crypto/conf/conf_mod.c), with what it includes,
 * and the providers it activates and the engines it loads
 * (crypto/provider_conf.c, crypto/engine/eng_cnf.c): the built-in
 * providers default, base and null aside, a provider NAME without a
 * "module" is MODULESDIR/NAME.so, an engine without "dynamic_path" is
 * ENGINESDIR/NAME.so. */
static void config_openssl(struct ctx *c)
{
	static const char *const builtin[] = { "default", "base", "null", NULL };
	static const char *const builtin_engines[] = { "dynamic", "rdrand", "devcrypto", NULL };
	struct dso *crypto = by_soname(c->p, "libcrypto.so");
	struct osslconf cf = { STRLIST_INIT, NULL, NULL };
	struct strlist dirs = STRLIST_INIT;
	struct strbuf why = STRBUF_INIT;
	const char *init, *sect;
	char *d, *conf;

	if (!crypto)
		return;
	d = memoized(c->w, "openssl dirs", crypto, openssl_dirs_read);
	if (!d)
		return;
	search_split(d, "\n", &dirs);
	free(d);
	while (dirs.n < 3)
		strlist_add(&dirs, "");
	if (!*dirs.v[0])
		goto out;
	conf = path_join(dirs.v[0], "openssl.cnf");
	strbuf_addf(&why, "configuration OpenSSL (%s) reads when it starts (OPENSSLDIR/openssl.cnf)",
		    dso_elf(crypto)->soname);
	cf.section = xstrdup("default");
	conf_read(c, &cf, conf, why.buf, 0);
	free(conf);
	init = conf_get(&cf, "default", "openssl_conf");
	if (!init)
		goto out;
	if ((sect = conf_get(&cf, init, "providers")))
		for (size_t i = 0; i + 2 < cf.kv.n; i += 3) {
			const char *name = cf.kv.v[i + 1], *ps = cf.kv.v[i + 2], *act, *mod;
			struct strbuf file = STRBUF_INIT;
			bool is_builtin = false;

			if (strcmp(cf.kv.v[i], sect))
				continue;
			act = conf_get(&cf, ps, "activate");
			mod = conf_get(&cf, ps, "module");
			for (const char *const *b = builtin; *b; b++)
				is_builtin |= !strcmp(name, *b);
			if (!act || conf_false(act) || (is_builtin && !mod))
				continue;
			strbuf_addstr(&file, mod ? mod : name);
			if (!mod)
				strbuf_addstr(&file, ".so");
			openssl_module(c, crypto, dirs.v[1], file.buf, "provider", name);
			strbuf_release(&file);
		}
	if ((sect = conf_get(&cf, init, "engines")))
		for (size_t i = 0; i + 2 < cf.kv.n; i += 3) {
			const char *name = cf.kv.v[i + 1], *es = cf.kv.v[i + 2], *id, *path;
			struct strbuf file = STRBUF_INIT;
			bool is_builtin = false;

			if (strcmp(cf.kv.v[i], sect))
				continue;
			id = conf_get(&cf, es, "engine_id");
			id = id ? id : name;
			path = conf_get(&cf, es, "dynamic_path");
			for (const char *const *b = builtin_engines; *b; b++)
				is_builtin |= !strcmp(id, *b);
			if (!path && is_builtin)
				continue;
			strbuf_addstrs(&file, path ? path : id, path ? "" : ".so", NULL);
			openssl_module(c, crypto, dirs.v[2], file.buf, "engine", id);
			strbuf_release(&file);
		}
out:
	strbuf_release(&why);
	strlist_clear(&dirs);
	strlist_clear(&cf.kv);
	free(cf.section);
	free(cf.includedir);
}

/* What libapt-pkg D has compiled in, a line each: its configuration
 * directory (Dir::Etc, CONF_DIR: "/etc/apt" on Debian; empty when the
 * build keeps it in code), then dpkg's tables it reads for the
 * architecture (Dir::dpkg::cputable, ::tupletable, ::triplettable). */
static char *apt_files_read(const struct walk *w, const struct dso *d)
{
	size_t len;
	char *buf = object_rodata(w, d, &len), *dir = NULL;
	struct strbuf tables = STRBUF_INIT, sb = STRBUF_INIT;
	const char *pos = NULL, *s;

	while (buf && (s = next_string(buf, len, "/", &pos))) {
		size_t n = strlen(s);

		if (!dir && n >= 8 && !strcmp(s + n - 8, "/etc/apt"))
			dir = xstrdup(s);
		else if (!strncmp(s, "/usr/share/dpkg/", 16) && !strchr(s, ' ') &&
			 (strstr(s, "table")))
			strbuf_addstrs(&tables, s, "\n", NULL);
	}
	free(buf);
	strbuf_addstrs(&sb, dir ? dir : "", "\n", tables.buf, NULL);
	strbuf_release(&tables);
	free(dir);
	return strbuf_detach(&sb);
}

/* libapt-pkg reads its configuration when it starts (apt-pkg/init.cc
 * pkgInitConfig: Dir::Etc's apt.conf and apt.conf.d, whose absence is an
 * error): the directory comes whole (sources, keyrings, preferences); and
 * dpkg's architecture tables (apt-pkg/aptconfiguration.cc).  Its Debian
 * packaging system is chosen only when /etc/debian_version, the dpkg
 * status file or dpkg is there (apt-pkg/deb/debsystem.cc Score). */
static void config_apt(struct ctx *c)
{
	struct dso *apt = by_soname(c->p, "libapt-pkg.so");
	struct strlist files = STRLIST_INIT;
	struct strbuf why = STRBUF_INIT;
	char *v;

	if (!apt || !(v = memoized(c->w, "apt files", apt, apt_files_read)))
		return;
	search_split(v, "\n", &files);
	free(v);
	strbuf_addf(&why, "configuration APT (%s) reads when it starts", dso_elf(apt)->soname);
	/* (Older builds keep CONF_DIR in the code: then APT's default.) */
	v = files.n && *files.v[0] ? files.v[0] : "/etc/apt";
	if (exists(c->w, v, false))
		walk_extra_tree(c->w, c->p, v, why.buf);
	else
		note(c, "%s is missing in the root (%s)", v, why.buf);
	for (size_t i = 1; i < files.n; i++)
		if (*files.v[i] && exists(c->w, files.v[i], true))
			walk_extra(c->w, c->p, files.v[i],
				   "dpkg's architecture table, which APT reads", NULL, 0);
	if (exists(c->w, "/etc/debian_version", true))
		walk_extra(c->w, c->p, "/etc/debian_version",
			   "APT takes the system for Debian when it finds this file", NULL, 0);
	strbuf_release(&why);
	strlist_clear(&files);
}

/* The configuration libraries of the program read when they start. */
static void bundle_config(struct ctx *c)
{
	if (c->o->choice[BUNDLE_CONFIG] == BUNDLE_WITHOUT)
		return;
	config_openssl(c);
	config_apt(c);
}

/* systemd's .note.dlopen (the FDO dlopen metadata): the libraries an object
 * may dlopen, each with a priority. */
static void bundle_dlopen_notes(struct ctx *c)
{
	bool all = c->o->choice[BUNDLE_DLOPEN_NOTES] == BUNDLE_WITH;

	if (c->o->choice[BUNDLE_DLOPEN_NOTES] == BUNDLE_WITHOUT)
		return;
	for (size_t i = 0; i < program_n_objects(c->p); i++) {
		struct dso *d = program_object(c->p, i);
		const struct elfobj *obj = dso_elf(d);

		for (size_t k = 0; obj && k < obj->dlopen_notes.n; k++) {
			struct json_object *arr = json_tokener_parse(obj->dlopen_notes.v[k]);
			size_t n = arr && json_object_is_type(arr, json_type_array)
					   ? json_object_array_length(arr) : 0;

			if (!arr)
				note(c, "%s: .note.dlopen is not valid JSON", dso_path(d));
			for (size_t j = 0; j < n; j++) {
				struct json_object *e = json_object_array_get_idx(arr, j), *v;
				const char *prio = "recommended", *feature = "?";
				struct json_object *sonames = NULL;
				struct strbuf why = STRBUF_INIT;
				bool done = false;

				if (json_object_object_get_ex(e, "priority", &v))
					prio = json_object_get_string(v);
				if (json_object_object_get_ex(e, "feature", &v))
					feature = json_object_get_string(v);
				json_object_object_get_ex(e, "soname", &sonames);
				if (!sonames || !json_object_is_type(sonames, json_type_array))
					continue;
				if (!all && strcmp(prio, "required")) {
					note(c, "%s may load %s for '%s' (%s): --with dlopen-notes adds it",
					     dso_path(d), json_object_get_string(
						     json_object_array_get_idx(sonames, 0)),
					     feature, prio);
					continue;
				}
				strbuf_addf(&why, "'%s' (%s) in the .note.dlopen of %s", feature, prio,
					    dso_path(d));
				for (size_t s = 0; s < json_object_array_length(sonames) && !done; s++) {
					const char *so = json_object_get_string(
						json_object_array_get_idx(sonames, s));

					done = so && walk_dlopen(c->w, c->p, d, so, why.buf, true);
				}
				if (!done)
					program_diag(c->p, DIAG_WARNING, false, dso_path(d),
						     "no library for '%s' of its .note.dlopen is in the root",
						     feature);
				strbuf_release(&why);
			}
			json_object_put(arr);
		}
	}
}

static void facts_free(void *p)
{
	struct needs_facts *f = p;

	if (f)
		gofacts_release(&f->go);
	free(f);
}

/* The Go facts of the program's file: whether it is a Go program. */
static bool read_go(const struct walk *w, const struct program *p, struct gofacts *g)
{
	const char *real = dso_real(program_main(p));
	int fd = real ? root_open_file(walk_root(w), real) : -ENOENT;
	struct stat st;
	bool is_go;

	if (fd < 0)
		return false;
	is_go = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		gofacts_read(fd, (uint64_t)st.st_size, g, NULL) == 0;
	close(fd);
	return is_go;
}

/* How many objects and files the program has. */
static size_t program_size(const struct program *p)
{
	return program_n_objects(p) + program_n_extras(p);
}

/* Records bundle B for the program when it gave files since *SIZE. */
static void gave(struct ctx *c, enum bundle b, size_t *size)
{
	size_t now = program_size(c->p);

	if (now > *size)
		program_add_bundle(c->w, c->p, bundle_names[b]);
	*size = now;
}

void needs_prepare(struct walk *w, struct program *p)
{
	static const char *const nss_strings[] = { "/etc/nsswitch.conf", "libnss_%s.so%s" };
	const struct elfobj *e = program_elf(p);
	struct needs_facts *f;
	bool found[2];

	if (program_facts(p) || !e)
		return;
	f = xcalloc(1, sizeof(*f));
	program_set_facts(p, f, facts_free);
	f->go.cgo = -1;
	/* Only Go programs (they carry a Go build-ID note) and static ones
	 * are searched through; the rest is told by their imports. */
	if (e->is_go || !program_ldso(p))
		f->is_go = read_go(w, p, &f->go);
	/* glibc's NSS code names its configuration file in .rodata;
	 * nss_module.c (2.33) names modules with the format, while before it
	 * nsswitch.c pasted the parts together with stpcpy. */
	if (!program_ldso(p) && !f->is_go &&
	    rodata_has(w, program_main(p), nss_strings, 2, found)) {
		f->static_nss = found[0];
		f->old_nss = found[0] && !found[1];
	}
}

int needs_apply(struct walk *w, struct program *p, const struct needs_opts *o)
{
	struct ctx c = { .w = w, .p = p, .o = o };
	const struct elfobj *e = program_elf(p);
	const struct ldso *l = program_ldso(p);
	const struct needs_facts *f;
	const struct gofacts *go;
	const struct dso *by, *dlo;
	bool static_nss;
	unsigned dbs;
	size_t size;

	if (!e || !program_begin_rules(p))
		return 0;
	c.stripped_static = !l && !e->has_symtab;
	c.musl = l && l->flavour == LIBC_MUSL;
	c.glibc = l && !c.musl;
	needs_prepare(w, p);
	f = program_facts(p);
	go = f->is_go ? &f->go : NULL;
	static_nss = f->static_nss;
	c.glibc |= static_nss;
	if (go && go->user)
		note(&c, "Go's os/user reads /etc/passwd and /etc/group (the base files)");
	dbs = nss_databases(p, &by);
	/* A stripped static glibc program with NSS: which lookups it makes
	 * cannot be told, so every database's files come. */
	if (static_nss && c.stripped_static)
		dbs = DB_USERS | DB_HOSTS | DB_SERVICES | DB_PROTOCOLS;
	size = program_size(p);
	bundle_libgcc_s(&c);
	gave(&c, BUNDLE_LIBGCC_S, &size);
	bundle_nss(&c, dbs, by, f, go);
	gave(&c, BUNDLE_NSS, &size);
	bundle_netbase(&c, dbs);
	gave(&c, BUNDLE_NETBASE, &size);
	bundle_certs(&c, go);
	gave(&c, BUNDLE_CERTS, &size);
	bundle_tzdata(&c, go);
	gave(&c, BUNDLE_TZDATA, &size);
	bundle_gconv(&c);
	gave(&c, BUNDLE_GCONV, &size);
	bundle_locale(&c);
	gave(&c, BUNDLE_LOCALE, &size);
	bundle_dlopen_notes(&c);
	gave(&c, BUNDLE_DLOPEN_NOTES, &size);
	bundle_terminfo(&c);
	gave(&c, BUNDLE_TERMINFO, &size);
	bundle_config(&c);
	gave(&c, BUNDLE_CONFIG, &size);
	/* (A static glibc program links dlopen in for NSS: no news there.) */
	if (l && (dlo = importer(p, dlopen_syms, NULL)) && dlo != libc_of(p) && !dso_is_interp(dlo) &&
	    !dso_elf(dlo)->dlopen_notes.n)
		note(&c, "%s calls dlopen: plugins it loads are not known; add them with --add",
		     dso_path(dlo));
	return c.ret;
}
