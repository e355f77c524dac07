/* reporttrace: the views of what traced runs saw (report.h). */
#include <config.h>

#include <string.h>

#include "scratchroot/diag.h"
#include "scratchroot/report.h"

#define PLURAL(n) ((n) == 1 ? "" : "s")

static void put(const char *s, FILE *out)
{
	struct strbuf sb = STRBUF_INIT;

	diag_escape(&sb, s);
	fputs(sb.buf, out);
	strbuf_release(&sb);
}

static void line(const char *what, const struct mtraced *x, bool with_kind, FILE *out)
{
	fprintf(out, "    %s ", what);
	put(x->path, out);
	if (x->real) {
		fputs(" -> ", out);
		put(x->real, out);
	}
	fputs("  [", out);
	if (with_kind) {
		put(x->kind, out);
		fputs(", ", out);
	}
	put(x->seen, out);
	if (x->fate[0] && strcmp(x->fate, "added") && strcmp(x->fate, "probed: not found")) {
		fputs("; ", out);
		put(x->fate, out);
	}
	fputs("]\n", out);
}

static void head(const struct mtrace *t, FILE *out)
{
	put(t->label, out);
	if (t->outcome) {
		fputs(" (", out);
		put(t->outcome, out);
		fputc(')', out);
	}
}

void report_traced(const struct manifest *m, FILE *out)
{
	for (size_t i = 0; i < m->n_traces; i++) {
		const struct mtrace *t = &m->traces[i];

		fputs("traced: ", out);
		head(t, out);
		fputc('\n', out);
		for (size_t j = 0; j < t->n; j++)
			if (t->v[j].added)
				line("added", &t->v[j], true, out);
		for (size_t j = 0; j < t->n; j++)
			if (!t->v[j].added && !strcmp(t->v[j].kind, "probed") && !t->v[j].searched)
				line("probed", &t->v[j], false, out);
		if (t->n_searched)
			fprintf(out, "    (and %zu probes on search paths: of directories searched, or of "
				"names found in another directory)\n", t->n_searched);
		for (size_t j = 0; j < t->n; j++)
			if (!t->v[j].added && strcmp(t->v[j].kind, "probed") &&
			    !strncmp(t->v[j].fate, "left out", 8) &&
			    strncmp(t->v[j].fate, "left out: under /proc", 21))
				line("left out", &t->v[j], true, out);
		fprintf(out, "    %zu paths seen: %zu added (%zu ELF file%s with %s own walk%s), "
			"%zu in the image already, %zu probed and not found, %zu left out\n",
			t->n, t->n_added, t->n_elf, PLURAL(t->n_elf), t->n_elf == 1 ? "its" : "their",
			PLURAL(t->n_elf), t->n_known, t->n_probed, t->n_left_out);
	}
}

void report_traced_summary(const struct manifest *m, FILE *out)
{
	for (size_t i = 0; i < m->n_traces; i++) {
		const struct mtrace *t = &m->traces[i];

		fputs("  traced: ", out);
		head(t, out);
		fprintf(out, ": %zu paths seen, %zu added (%zu ELF file%s with %s own walk%s), "
			"%zu probed and not found, %zu left out\n",
			t->n, t->n_added, t->n_elf, PLURAL(t->n_elf), t->n_elf == 1 ? "its" : "their",
			PLURAL(t->n_elf), t->n_probed, t->n_left_out);
		if (!t->n_bytecode && !t->sources.n)
			continue;
		fprintf(out, "  traced Python: %zu modules kept as bytecode alone (the .pyc beside "
			"its source's place, the .py left out)", t->n_bytecode);
		if (t->sources.n) {
			fprintf(out, "; %zu kept as source, no .pyc was loaded:", t->sources.n);
			for (size_t j = 0; j < t->sources.n; j++) {
				fputc(' ', out);
				put(t->sources.v[j], out);
			}
		}
		fputc('\n', out);
	}
}
