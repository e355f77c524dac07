# Shared by the benchmarks (sourced): the timer and pax-utils' lddtree.

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
