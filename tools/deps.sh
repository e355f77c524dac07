#!/bin/sh
# Installs what scratchroot needs to build and to run its whole test suite on
# Debian 12 or Ubuntu.  Uses sudo when not run as root.  The README explains
# why each package is here.
set -eu
as_root=
[ "$(id -u)" -eq 0 ] || as_root=sudo

build="build-essential autoconf automake pkg-config libelf-dev libdw-dev libcmocka-dev libarchive-dev libjson-c-dev"
tests="elfutils pax-utils musl-tools gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user time mandoc clang"
# real programs whose trees the tests build and run
progs="curl git openssl jq sqlite3 busybox ripgrep python3"
# what the run-time needs fixtures build with and read
needs="libssl-dev libgnutls28-dev libnss3 golang-go tzdata ca-certificates netbase ncurses-bin"
# the Debian roots of the root-*.sh tests (bullseye, trixie, arm64 bookworm),
# run in chroots, a network namespace with a DNS server for the lookups
roots="mmdebstrap debian-archive-keyring arch-test qemu-user-static binfmt-support iproute2"
# the peer bench/trace.sh compares --trace with (the tool never needs it)
bench="strace"

export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -qq
# shellcheck disable=SC2086
$as_root apt-get install -y -qq --no-install-recommends $build $tests $progs $needs $roots $bench >/dev/null
# clang's sanitizer runtime is only recommended by clang (Debian 12:
# libclang-rt-14-dev); its name carries clang's major version.
rt=libclang-rt-$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n1)-dev
if apt-cache show "$rt" >/dev/null 2>&1; then
	$as_root apt-get install -y -qq --no-install-recommends "$rt" >/dev/null
else
	rt=
fi
echo "deps.sh: installed $build $tests $progs $needs $roots $bench $rt"
