/* report: the views of the manifest; see report.h. */
#include <config.h>

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "scratchroot/diag.h"
#include "scratchroot/ldso.h"
#include "scratchroot/report.h"

/* Prints S escaped. */
static void put(const char *s, FILE *out)
{
	struct strbuf sb = STRBUF_INIT;

	diag_escape(&sb, s);
	fputs(sb.buf, out);
	strbuf_release(&sb);
}

static void object_reason(const struct mprogram *p, const struct mobject *o,
			  struct strbuf *out)
{
	if (o->is_main) {
		strbuf_addstr(out, p->why ? p->why : "program");
		return;
	}
	if (o->why)
		strbuf_addstr(out, o->why);
	else if (o->is_interp)
		strbuf_addstr(out, "interpreter");
	else
		strbuf_addf(out, "%s (%s)", o->name ? o->name : o->path, search_how_name(o->how));
	if (o->loader >= 0)
		strbuf_addstrs(out, " for ", p->objs[o->loader].path, NULL);
}

void report_reason(const struct manifest *m, const struct mreason *r, struct strbuf *out)
{
	const struct mprogram *p = r->prog >= 0 ? &m->progs[r->prog] : NULL;

	switch (r->role) {
	case MR_OBJECT:
		object_reason(p, &p->objs[r->item], out);
		return;
	case MR_HOP:
	case MR_EXTRA_HOP:
		strbuf_addstr(out, "symlink on the way");
		return;
	case MR_VARIANT:
		strbuf_addstr(out, "hwcaps variant");
		return;
	case MR_EXTRA:
		strbuf_addstr(out, p->extras[r->item].why);
		return;
	case MR_TEXT:
		strbuf_addstr(out, r->text);
		return;
	}
}

/* Whether entry I is listed: not a directory that only holds others. */
static bool listed(const struct manifest *m, size_t i)
{
	return m->v[i].type != M_DIR || manifest_is_empty_dir(m, i);
}

void report_list(const struct manifest *m, FILE *out)
{
	for (size_t i = 0; i < m->n; i++)
		if (listed(m, i)) {
			put(m->v[i].path, out);
			fputc('\n', out);
		}
}

void report_why(const struct manifest *m, FILE *out)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < m->n; i++) {
		if (!listed(m, i))
			continue;
		strbuf_reset(&sb);
		if (m->v[i].n_reasons)
			report_reason(m, &m->v[i].reasons[0], &sb);
		put(m->v[i].path, out);
		fputs("  (", out);
		put(sb.buf, out);
		fputs(")\n", out);
	}
	strbuf_release(&sb);
}

/* ---- --tree ---- */

static void how(const struct mprogram *p, const struct mobject *o, FILE *out)
{
	if (o->is_interp)
		return;
	fprintf(out, "  [%s", search_how_name(o->how));
	if ((o->how == HOW_RPATH || o->how == HOW_RUNPATH) && o->how_owner >= 0) {
		fputs(" of ", out);
		put(p->objs[o->how_owner].path, out);
	}
	if (o->how_dir && o->how != HOW_CACHE) {
		fputs(": ", out);
		put(o->how_dir, out);
	}
	if (o->preload)
		fputs(", /etc/ld.so.preload", out);
	if (o->loader >= 0 && !p->objs[o->loader].is_main && o->how != HOW_INTERP) {
		fputs(", for ", out);
		put(path_basename(p->objs[o->loader].path), out);
	}
	fputs("]", out);
}

/* "  1881.1 KiB -> 1876.8 KiB" for the image's copy of PATH, if any. */
static void size_of(const struct manifest *m, const char *path, bool sized, FILE *out)
{
	const struct mentry *e = sized && path ? manifest_get(m, path) : NULL;

	if (!e || e->type != M_FILE)
		return;
	if (e->size != e->orig_size)
		fprintf(out, "  %.1f KiB -> %.1f KiB", (double)e->orig_size / 1024.0,
			(double)e->size / 1024.0);
	else
		fprintf(out, "  %.1f KiB", (double)e->size / 1024.0);
}

static void indent(unsigned depth, FILE *out)
{
	fprintf(out, "%*s", (int)depth * 4, "");
}

static void object_line(const struct manifest *m, const struct mprogram *p,
			const struct mobject *o, unsigned depth, const char *name, bool sized,
			FILE *out)
{
	indent(depth, out);
	if (o->is_interp) {
		fputs("interpreter ", out);
	} else {
		put(name, out);
		fputs(" => ", out);
	}
	put(o->path, out);
	if (o->real && strcmp(o->real, o->path)) {
		fputs(" -> ", out);
		put(o->real, out);
	}
	how(p, o, out);
	size_of(m, o->real, sized, out);
	fputc('\n', out);
	for (size_t i = 0; i < o->alts.n; i++) {
		indent(depth, out);
		fputs("  also ", out);
		put(o->alts.v[i], out);
		fputs(" (chosen on CPUs that support it)\n", out);
	}
	for (size_t i = 0; i < o->notes.n; i++) {
		indent(depth, out);
		fputs("  note: ", out);
		put(o->notes.v[i], out);
		fputc('\n', out);
	}
}

static void children(const struct manifest *m, const struct mprogram *p, size_t parent,
		     unsigned depth, bool sized, FILE *out)
{
	const struct mobject *o = &p->objs[parent];

	if (!o->elf || !o->deps)
		return;
	for (size_t i = 0; i < o->elf->needed.n; i++) {
		int k = o->deps[i];
		const struct mobject *d = k >= 0 ? &p->objs[k] : NULL;

		if (!d) {
			indent(depth, out);
			put(o->elf->needed.v[i], out);
			fputs(" => not found\n", out);
			continue;
		}
		if (d->loader != (int)parent || d->is_interp)
			continue;
		object_line(m, p, d, depth, o->elf->needed.v[i], sized, out);
		children(m, p, (size_t)k, depth + 1, sized, out);
	}
}

static void program_head(const struct manifest *m, const struct mprogram *p, bool sized,
			 FILE *out)
{
	const struct elfobj *e = p->elf;

	put(p->path, out);
	if (e)
		fprintf(out, " (ELF%d %s, %s%s%s)", e->ei_class == ELFCLASS64 ? 64 : 32,
			elfobj_machine_name(e->e_machine), elfobj_kind_name(e->kind),
			p->ldso ? ", " : "",
			p->ldso ? (p->ldso->flavour == LIBC_MUSL ? "musl" : "glibc") : "");
	if (p->n_objs && p->objs[0].real && strcmp(p->objs[0].real, p->path)) {
		fputs(" -> ", out);
		put(p->objs[0].real, out);
	}
	size_of(m, p->dest ? p->dest : p->n_objs ? p->objs[0].real : NULL, sized, out);
	if (p->why) {
		fputs("  [", out);
		put(p->why, out);
		fputs("]", out);
	}
	fputc('\n', out);
}

static void run_time(const struct manifest *m, const struct mprogram *p, bool sized, FILE *out)
{
	for (size_t j = 0; j < p->n_objs; j++) {
		const struct mobject *d = &p->objs[j];

		if (d->dlopen_by < 0 || d->loader >= 0)
			continue;
		fputs("    at run time: ", out);
		put(d->name ? d->name : "", out);
		fputs(" => ", out);
		put(d->path, out);
		if (d->real && strcmp(d->real, d->path)) {
			fputs(" -> ", out);
			put(d->real, out);
		}
		fputs("  [", out);
		put(d->why ? d->why : "", out);
		fputs("; dlopen from ", out);
		put(path_basename(p->objs[d->dlopen_by].path), out);
		fputs("]", out);
		size_of(m, d->real, sized, out);
		fputc('\n', out);
		children(m, p, j, 2, sized, out);
	}
	for (size_t j = 0; j < p->n_extras; j++) {
		const struct mextra *x = &p->extras[j];

		fputs("    file ", out);
		put(x->path, out);
		fputs(x->data ? " (written by scratchroot)" : x->tree ? "/ (whole tree)" : "", out);
		fputs("  [", out);
		put(x->why, out);
		fputs("]\n", out);
	}
}

void report_tree(const struct manifest *m, const struct shrink_stats *ss, FILE *out)
{
	bool sized = ss != NULL;

	for (size_t i = 0; i < m->n_progs; i++) {
		const struct mprogram *p = &m->progs[i];

		program_head(m, p, sized, out);
		if (!p->elf)
			continue;
		if (!p->ldso)
			fputs("    no interpreter: the kernel runs it directly, nothing is searched\n",
			      out);
		for (size_t j = 0; j < p->n_objs; j++)
			if (p->objs[j].is_interp)
				object_line(m, p, &p->objs[j], 1, NULL, sized, out);
		for (size_t j = 0; j < p->n_objs; j++)
			if (p->objs[j].preload) {
				object_line(m, p, &p->objs[j], 1, path_basename(p->objs[j].path),
					    sized, out);
				children(m, p, j, 2, sized, out);
			}
		children(m, p, 0, 1, sized, out);
		run_time(m, p, sized, out);
	}
	report_traced(m, out);
	if (ss)
		fprintf(out, "image: %.1f KiB of files, %.1f KiB before stripping; the floor "
			"(loaded bytes of its ELF files, other files whole) is %.1f KiB\n",
			(double)ss->after / 1024.0, (double)ss->before / 1024.0,
			(double)ss->floor / 1024.0);
}

/* ---- the summary ---- */

static int cmp_size(const void *a, const void *b)
{
	const struct mentry *x = *(const struct mentry *const *)a;
	const struct mentry *y = *(const struct mentry *const *)b;

	return x->size < y->size ? 1 : x->size > y->size ? -1 : strcmp(x->path, y->path);
}

/* Each file loaded at run time once, with the reason it came for first. */
static void summary_run_time(const struct manifest *m, FILE *out)
{
	struct strmap seen = STRMAP_INIT;
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < m->n_progs; i++) {
		const struct mprogram *p = &m->progs[i];

		for (size_t j = 0; j < p->n_objs + p->n_extras; j++) {
			const char *path, *why;

			if (j < p->n_objs) {
				if (!p->objs[j].why || !p->objs[j].real)
					continue;
				path = p->objs[j].real;
				why = p->objs[j].why;
			} else {
				path = p->extras[j - p->n_objs].path;
				why = p->extras[j - p->n_objs].why;
			}
			if (strmap_get(&seen, path))
				continue;
			*strmap_put(&seen, path) = &seen;
			strbuf_reset(&sb);
			strbuf_addstr(&sb, "  run time: ");
			diag_escape(&sb, path);
			strbuf_addstr(&sb, "  (");
			diag_escape(&sb, why);
			strbuf_addstr(&sb, ")\n");
			fputs(sb.buf, out);
		}
	}
	strbuf_release(&sb);
	strmap_clear(&seen, NULL);
}

void report_summary(const struct manifest *m, const struct shrink_stats *ss, FILE *out)
{
	const struct mentry **files = xcalloc(m->n + 1, sizeof(*files));
	struct strbuf sb = STRBUF_INIT;
	unsigned long long bytes = 0;
	size_t n = 0, links = 0, dirs = 0;

	for (size_t i = 0; i < m->n; i++) {
		const struct mentry *e = &m->v[i];

		if (e->type == M_FILE || e->type == M_DATA) {
			files[n++] = e;
			bytes += (unsigned long long)e->size;
		} else if (e->type == M_LINK) {
			links++;
		} else {
			dirs++;
		}
	}
	qsort(files, n, sizeof(*files), cmp_size);
	fprintf(out, "scratchroot: %zu files, %zu symlinks, %zu directories, %.1f MiB"
		" (%.1f MiB before stripping; the floor is %.1f MiB, %+.1f%%)\n",
		n, links, dirs, (double)bytes / (1024.0 * 1024.0),
		(double)ss->before / (1024.0 * 1024.0), (double)ss->floor / (1024.0 * 1024.0),
		ss->floor ? 100.0 * ((double)bytes - (double)ss->floor) / (double)ss->floor : 0.0);
	for (size_t i = 0; i < n && i < 5; i++) {
		const struct mentry *e = files[i];

		fprintf(out, "  %8.1f KiB", (double)e->size / 1024.0);
		if (e->type == M_FILE && e->size != e->orig_size)
			fprintf(out, " (from %.1f)", (double)e->orig_size / 1024.0);
		strbuf_reset(&sb);
		if (e->n_reasons)
			report_reason(m, &e->reasons[0], &sb);
		fputs("  ", out);
		put(e->path, out);
		fputs("  (", out);
		put(sb.buf, out);
		fputs(")\n", out);
	}
	summary_run_time(m, out);
	report_traced_summary(m, out);
	strbuf_release(&sb);
	free(files);
}
