#!/bin/sh
# Writes the seeds of fuzz/fuzz_strip.c into this directory (this script is
# a seed too: a file that is not ELF).  Made with gcc 12, clang 14, GNU ld
# 2.40 and ld.lld 14 of Debian 12; every flag spelled out, -nostdlib so that
# each file is a few KiB: small programs and libraries with something to
# strip (-g debug sections, .symtab, .comment) and a build-id.
#
#   exe-g        x86-64 static program, -g, GNU ld
#   pie-g        x86-64 PIE (PT_INTERP, PT_DYNAMIC), -g, GNU ld
#   lib-g.so     x86-64 shared library, -g, GNU ld
#   gold.so      the same linked by gold
#   lib-gz.so    the same with compressed debug sections (SHF_COMPRESSED)
#   relocs       x86-64 program linked with --emit-relocs (kept .rela.text
#                naming .symtab), -g
#   ifunc        x86-64 static program with an ifunc: an IRELATIVE .rela.plt
#                that names .symtab (stripped to a stub table)
#   i386-g       i386 program, -m32 -g
#   aarch64-g    aarch64 program, -g (aarch64-linux-gnu-gcc)
#   ppc64-g      ppc64 program, big-endian, -g (clang, ld.lld)
#
# and, written byte by byte by the Python below, files found wanting:
#
#   phdr-in-ehdr  program headers at offset 0x38, inside the ELF header, so
#                 that the first one's p_flags are e_shnum and e_shstrndx
#                 (stripping rewrote them)
#
# Usage: sh make-seeds.sh [DIR]   (DIR defaults to the script's directory)
set -eu
dir=$(cd "${1:-$(dirname "$0")}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

cat >prog.c <<'EOF'
static volatile int counter;
int twice(int x) { return 2 * x + counter; }
void _start(void) { for (;;) counter = twice(counter); }
EOF
cat >lib.c <<'EOF'
int shared_value = 3;
int add(int x) { return x + shared_value; }
EOF
cat >ifunc.c <<'EOF'
static int one(void) { return 1; }
static int (*pick(void))(void) { return one; }
int chosen(void) __attribute__((ifunc("pick")));
void _start(void) { for (;;) chosen(); }
EOF

# Flags shared by every file: no C library, pages of 4 KiB (not 64 KiB of
# padding), code and data in one segment each, a build-id, and no trace of
# the temporary directory (the same bytes at every run).
map="-ffile-prefix-map=$tmp=."
common="-O1 -fno-asynchronous-unwind-tables -nostdlib -Wl,--build-id=sha1
	-Wl,-z,max-page-size=4096 -Wl,-z,noseparate-code $map"
# shellcheck disable=SC2086 # $common is a word list
gcc $common -g -static -fno-pie -no-pie -o "$dir/exe-g" prog.c
gcc $common -g -pie -fpie -o "$dir/pie-g" prog.c
gcc $common -g -shared -fpic -o "$dir/lib-g.so" lib.c
gcc -O1 -fno-asynchronous-unwind-tables -nostdlib -Wl,--build-id=sha1 $map -g \
	-shared -fpic -fuse-ld=gold -o "$dir/gold.so" lib.c
gcc $common -g -gz=zlib -Wl,--compress-debug-sections=zlib -shared -fpic -o "$dir/lib-gz.so" lib.c
gcc $common -g -static -fno-pie -no-pie -Wl,--emit-relocs -o "$dir/relocs" prog.c
gcc $common -static -fno-pie -no-pie -o "$dir/ifunc" ifunc.c
gcc $common -g -m32 -static -fno-pie -no-pie -o "$dir/i386-g" prog.c
aarch64-linux-gnu-gcc $common -g -static -fno-pie -no-pie -o "$dir/aarch64-g" prog.c
clang --target=powerpc64-linux-gnu -fuse-ld=lld -O1 -g -nostdlib -static $map \
	-Wl,--build-id=sha1 -Wl,-z,max-page-size=4096 -Wl,-z,noseparate-code \
	-o "$dir/ppc64-g" prog.c

python3 - "$dir" <<'EOF'
import struct, sys
d = sys.argv[1]

def shdr(name, typ, flags, addr, off, size, align):
    return struct.pack("<IIQQQQIIQQ", name, typ, flags, addr, off, size, 0, 0, align, 0)

names = b"\0.text\0.comment\0.shstrtab\0"
f = bytearray(0x340)
f[0:64] = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + bytes(9),
                      2, 62, 1, 0x400100, 0x38, 0x240, 0, 64, 56, 2, 64, 4, 3)
f[0x70:0xa8] = struct.pack("<IIQQQQQQ", 1, 5, 0, 0x400000, 0x400000, 0x200, 0x200, 0x1000)
f[0x100:0x110] = b"\x90" * 16
f[0x200:0x210] = b"GCC: crafted".ljust(16, b"\0")
f[0x210:0x210 + len(names)] = names
f[0x240:0x340] = (shdr(0, 0, 0, 0, 0, 0, 0) + shdr(1, 1, 6, 0x400100, 0x100, 16, 16) +
                  shdr(7, 1, 0x30, 0, 0x200, 16, 1) + shdr(16, 3, 0, 0, 0x210, len(names), 1))
open(d + "/phdr-in-ehdr", "wb").write(f)
EOF
