#!/bin/sh
# The man page and --help name the same options, the binary takes every one
# of them, and the page is clean for mandoc's (or groff's) linter.
. "$(dirname "$0")/lib.sh"

page=$srcdir/doc/scratchroot.1

# help_options: the options of --help's option lines (the column before the
# description, indented at most 6 spaces: continuation lines are deeper),
# one a line: -o, --output, ...
help_options() {
	"$SR" --help >"$W/help" || fail "--help exited $?"
	sed -n 's/^ \{1,6\}\(-[^ ].*\)$/\1/p' "$W/help" | sed 's/   *.*//' |
		tr ',' '\n' | sed -n 's/^ *\(-[A-Za-z0-9]\)$/\1/p; s/^ *\(--[a-z][a-z0-9-]*\).*/\1/p' |
		sort -u
}

# page_options: the options the OPTIONS section of the page describes: each
# "Fl -long" and "Fl x" on an .It line (mdoc), or each \-\-long and \-x on
# the tag line after .TP (man), one a line.
page_options() {
	awk '/^\.S[hH] / { sec = $2; gsub(/"/, "", sec); opt = (sec == "OPTIONS"); next }
	     !opt { next }
	     /^\.TP/ { tp = 1; next }
	     tp {
		tp = 0
		line = " " $0
		gsub(/\\f[BIRP]/, "", line)
		gsub(/\\/, "", line)
		while (match(line, /[ ,]--?[A-Za-z0-9][a-z0-9-]*/)) {
			print substr(line, RSTART + 1, RLENGTH - 1)
			line = substr(line, RSTART + RLENGTH)
		}
	     }
	     /^\.It / {
		for (i = 2; i < NF; i++) {
			if ($i != "Fl")
				continue
			o = $(i + 1)
			if (o ~ /^-[a-z]/) {
				sub(/[^a-z0-9-].*/, "", o)
				print "-" o
			} else if (o ~ /^[A-Za-z0-9]$/)
				print "-" o
		}
	     }' "$page" | sort -u
}

# Both parsers find the options everyone knows (so an empty parse cannot pass).
sane() {
	[ "$(wc -l <"$1")" -ge 10 ] || { cat "$1" >&2; fail "$2: fewer than 10 options parsed"; }
	for _o in --output --help -o -h; do
		grep -Fxq -- "$_o" "$1" || { cat "$1" >&2; fail "$2: $_o not parsed"; }
	done
}

help_and_page_name_the_same_options() {
	[ -f "$page" ] || fail "no $page"
	help_options >"$W/help.opts"
	page_options >"$W/page.opts"
	sane "$W/help.opts" "--help"
	sane "$W/page.opts" "the man page"
	_bad=
	for _o in $(comm -23 "$W/help.opts" "$W/page.opts"); do
		echo "in --help, not in the man page's OPTIONS: $_o" >&2; _bad=1
	done
	for _o in $(comm -13 "$W/help.opts" "$W/page.opts"); do
		echo "in the man page's OPTIONS, not in --help: $_o" >&2; _bad=1
	done
	[ -z "$_bad" ] || fail "--help and doc/scratchroot.1 differ"
}

# Every documented option is one the binary knows (getopt_long says
# "unrecognized option" otherwise; without a FILE nothing is done).
binary_takes_every_option() {
	help_options >"$W/opts"
	page_options >>"$W/opts"
	for _o in $(sort -u "$W/opts"); do
		sr "$_o"
		if grep -q "unrecognized option\|invalid option" "$W/err"; then
			cat "$W/err" >&2
			fail "scratchroot does not take $_o"
		fi
	done
}

page_is_lint_clean() {
	if command -v mandoc >/dev/null 2>&1; then
		# Warnings and worse; STYLE notes (a referenced page not
		# installed here) are not the page's fault.
		mandoc -Tlint -Wwarning "$page" >"$W/lint" 2>&1 || { cat "$W/lint" >&2; fail "mandoc -Tlint"; }
	elif command -v groff >/dev/null 2>&1; then
		note "mandoc not installed (Debian: mandoc): linted with groff -ww only"
		groff -mandoc -ww -z "$page" >"$W/lint" 2>&1 || { cat "$W/lint" >&2; fail "groff -mandoc -ww -z"; }
	else
		skip "neither mandoc nor groff is installed (Debian: mandoc)"
	fi
	[ ! -s "$W/lint" ] || { cat "$W/lint" >&2; fail "the linter has something to say about $page"; }
}

scenario M01 "--help and the man page name the same options" help_and_page_name_the_same_options
scenario M02 "the binary takes every documented option" binary_takes_every_option
scenario M03 "the man page is lint-clean" page_is_lint_clean
finish
