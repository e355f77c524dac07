/* report: --tree and --list views of a walk; see report.h. */
#include <config.h>

#include <elf.h>
#include <string.h>

#include "scratchroot/report.h"

static void how(const struct dso *d, FILE *out)
{
	if (d->is_interp)
		return;
	fprintf(out, "  [%s", search_how_name(d->how));
	if ((d->how == HOW_RPATH || d->how == HOW_RUNPATH) && d->how_owner)
		fprintf(out, " of %s", d->how_owner->path);
	if (d->how_dir && d->how != HOW_CACHE)
		fprintf(out, ": %s", d->how_dir);
	if (d->preload)
		fputs(", /etc/ld.so.preload", out);
	if (d->loader && !d->loader->is_main && d->how != HOW_INTERP)
		fprintf(out, ", for %s", path_basename(d->loader->path));
	fputs("]", out);
}

/* "  1881.1 KiB -> 1876.8 KiB" for the image's copy of REAL in M, if any. */
static void size_of(const struct manifest *m, const char *real, FILE *out)
{
	const struct mentry *e = m && real ? manifest_get(m, real) : NULL;

	if (!e || e->type != M_FILE)
		return;
	if (e->shrunk)
		fprintf(out, "  %.1f KiB -> %.1f KiB", (double)e->orig_size / 1024.0,
			(double)e->size / 1024.0);
	else
		fprintf(out, "  %.1f KiB", (double)e->size / 1024.0);
}

static void dso_line(const struct dso *d, unsigned depth, const char *name,
		     const struct manifest *m, FILE *out)
{
	fprintf(out, "%*s", (int)depth * 4, "");
	if (d->is_interp)
		fprintf(out, "interpreter %s", d->path);
	else
		fprintf(out, "%s => %s", name, d->path);
	if (d->real && strcmp(d->real, d->path))
		fprintf(out, " -> %s", d->real);
	how(d, out);
	size_of(m, d->real, out);
	fputc('\n', out);
	for (size_t i = 0; i < d->alts.n; i++)
		fprintf(out, "%*s  also %s (chosen on CPUs that support it)\n",
			(int)depth * 4, "", d->alts.v[i]);
	for (size_t i = 0; i < d->notes.n; i++)
		fprintf(out, "%*s  note: %s\n", (int)depth * 4, "", d->notes.v[i]);
}

static void children(const struct program *p, const struct dso *parent,
		     unsigned depth, const struct manifest *m, FILE *out)
{
	const struct elfobj *e = parent->elf;

	if (!e || !parent->deps)
		return;
	for (size_t i = 0; i < e->needed.n; i++) {
		const struct dso *d = parent->deps[i];

		if (!d) {
			fprintf(out, "%*s%s => not found\n", (int)depth * 4, "", e->needed.v[i]);
			continue;
		}
		if (d->loader != parent || d->is_interp)
			continue;
		dso_line(d, depth, e->needed.v[i], m, out);
		children(p, d, depth + 1, m, out);
	}
}

void report_tree(const struct walk *w, const struct manifest *m,
		 const struct shrink_stats *ss, FILE *out)
{
	for (size_t i = 0; i < w->n_progs; i++) {
		const struct program *p = w->progs[i];
		const struct elfobj *e = p->elf;

		fprintf(out, "%s", p->path);
		if (e)
			fprintf(out, " (ELF%d %s, %s%s%s)", e->ei_class == ELFCLASS64 ? 64 : 32,
				elfobj_machine_name(e->e_machine), elfobj_kind_name(e->kind),
				p->ldso ? ", " : "",
				p->ldso ? (p->ldso->flavour == LIBC_MUSL ? "musl" : "glibc") : "");
		if (p->main->real && strcmp(p->main->real, p->path))
			fprintf(out, " -> %s", p->main->real);
		size_of(m, p->dest ? p->dest : p->main->real, out);
		fputc('\n', out);
		if (!e)
			continue;
		if (!p->ldso)
			fputs("    no interpreter: the kernel runs it directly, nothing is searched\n",
			      out);
		if (p->interp)
			dso_line(p->interp, 1, NULL, m, out);
		for (size_t j = 0; j < p->n_dsos; j++)
			if (p->dsos[j]->preload) {
				dso_line(p->dsos[j], 1, path_basename(p->dsos[j]->path), m, out);
				children(p, p->dsos[j], 2, m, out);
			}
		children(p, p->main, 1, m, out);
		for (size_t j = 0; j < p->n_dsos; j++) {
			const struct dso *d = p->dsos[j];

			if (!d->dlopen_by || d->loader != NULL)
				continue;
			fprintf(out, "    at run time: %s => %s", d->names.n ? d->names.v[0] : "",
				d->path);
			if (d->real && strcmp(d->real, d->path))
				fprintf(out, " -> %s", d->real);
			fprintf(out, "  [%s; dlopen from %s]", d->why ? d->why : "",
				path_basename(d->dlopen_by->path));
			size_of(m, d->real, out);
			fputc('\n', out);
			children(p, d, 2, m, out);
		}
		for (size_t j = 0; j < p->n_extras; j++)
			fprintf(out, "    file %s%s  [%s]\n", p->extras[j].path,
				p->extras[j].data ? " (written by scratchroot)"
				: p->extras[j].tree ? "/ (whole tree)" : "",
				p->extras[j].why);
	}
	if (m && ss)
		fprintf(out, "image: %.1f KiB of files, %.1f KiB before stripping; the floor "
			"(loaded bytes of its ELF files, other files whole) is %.1f KiB\n",
			(double)ss->after / 1024.0, (double)ss->before / 1024.0,
			(double)ss->floor / 1024.0);
}

void report_list(const struct walk *w, FILE *out)
{
	struct strlist paths = STRLIST_INIT;

	walk_paths(w, &paths);
	for (size_t i = 0; i < paths.n; i++)
		fprintf(out, "%s\n", paths.v[i]);
	strlist_clear(&paths);
}
