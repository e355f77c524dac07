/* diag: diagnostics and their one-line form; see diag.h. */
#include <config.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scratchroot/diag.h"

void diag_vadd(struct diags *d, enum diag_severity s, const char *path, const char *fmt,
	       va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	struct diag *x;

	strbuf_vaddf(&sb, fmt, ap);
	d->v = xgrow(d->v, &d->alloc, d->n + 1, sizeof(*d->v));
	x = &d->v[d->n++];
	x->severity = s;
	x->path = path ? xstrdup(path) : NULL;
	x->message = strbuf_detach(&sb);
	if (s == DIAG_ERROR)
		d->errors++;
}

void diag_add(struct diags *d, enum diag_severity s, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, s, path, fmt, ap);
	va_end(ap);
}

bool diags_has(const struct diags *d, size_t from, enum diag_severity s, const char *path,
	       const char *msg)
{
	for (size_t i = from; i < d->n; i++) {
		const struct diag *x = &d->v[i];

		if (x->severity == s && !strcmp(x->message, msg) &&
		    (x->path && path ? !strcmp(x->path, path) : x->path == path))
			return true;
	}
	return false;
}

void diags_move(struct diags *into, struct diags *from)
{
	if (!from->n)
		return;
	into->v = xgrow(into->v, &into->alloc, into->n + from->n, sizeof(*into->v));
	memcpy(into->v + into->n, from->v, from->n * sizeof(*from->v));
	into->n += from->n;
	into->errors += from->errors;
	free(from->v);
	*from = (struct diags)DIAGS_INIT;
}

void diags_release(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].path);
		free(d->v[i].message);
	}
	free(d->v);
	*d = (struct diags)DIAGS_INIT;
}

/* The length of the valid UTF-8 sequence at S (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *s)
{
	uint32_t c;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	return n;
}

void diag_escape(struct strbuf *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		size_t n = utf8_len(s);

		if (*s == '\\') {
			strbuf_addstr(out, "\\\\");
		} else if (*s == '\n') {
			strbuf_addstr(out, "\\n");
		} else if (*s == '\t') {
			strbuf_addstr(out, "\\t");
		} else if (*s < 0x20 || *s == 0x7f || !n) {
			strbuf_addf(out, "\\x%02x", *s);
		} else {
			strbuf_add(out, s, n);
			s += n;
			continue;
		}
		s++;
	}
}

void diag_format(const struct diag *d, struct strbuf *out)
{
	static const char *const prefix[] = { "", "warning: ", "note: ", "" };

	strbuf_addstr(out, "scratchroot: ");
	if (d->path) {
		strbuf_addch(out, '\'');
		diag_escape(out, d->path);
		strbuf_addstr(out, "': ");
	}
	strbuf_addstr(out, prefix[d->severity]);
	diag_escape(out, d->message);
}
