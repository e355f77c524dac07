# Shared by the benchmarks (sourced, with $here set to bench/): the
# scratchroot binary, the timer and pax-utils' lddtree.

# SR: $SCRATCHROOT, else the build beside the sources (in-tree or _build/),
# else scratchroot in PATH.
SR=${SCRATCHROOT:-}
if [ -z "$SR" ]; then
	for _c in "$here/../scratchroot" "$here/../_build/scratchroot"; do
		[ -x "$_c" ] && { SR=$_c; break; }
	done
	[ -n "$SR" ] || SR=$(command -v scratchroot) ||
		{ echo "${0##*/}: no scratchroot: set SCRATCHROOT" >&2; exit 2; }
fi
[ -x "$SR" ] || { echo "${0##*/}: not executable: $SR" >&2; exit 2; }

# /usr/bin/time (Debian package "time") gives peak RSS; without it, n/a.
TIME=
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o /dev/null true 2>/dev/null; then
	TIME=/usr/bin/time
fi

# pax-utils' lddtree is a Python script ("#!/usr/bin/env python3") that
# needs python3-pyelftools; a python3 earlier in PATH (pyenv, venv) may
# lack it, so fall back to the system's /usr/bin/python3.
LDDTREE=()
if command -v lddtree >/dev/null 2>&1; then
	if lddtree -l /bin/true >/dev/null 2>&1; then
		LDDTREE=(lddtree)
	elif [ -x /usr/bin/python3 ] &&
	     /usr/bin/python3 "$(command -v lddtree)" -l /bin/true >/dev/null 2>&1; then
		LDDTREE=(/usr/bin/python3 "$(command -v lddtree)")
	fi
fi
