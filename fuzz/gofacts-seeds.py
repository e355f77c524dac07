#!/usr/bin/env python3
"""Writes the seeds of fuzz/fuzz_gofacts.c into fuzz/corpus/gofacts/.

Each seed is a small synthetic Go program (1.8 KB): an ELF header, three
program headers, five section headers, a pclntab with a handful of function
names, a .go.buildinfo with a version and module information, and the first
words of runtime.firstmoduledata, laid out the way the Go linker and the
host linkers lay them out (tests/unit/test_gofacts.c builds the same images
in C).  The offsets, from the file's start:

    0x000 ELF header, program headers    0x300 the pclntab
    0x100 section headers                0x500 .go.buildinfo
    0x240 .shstrtab                      0x680 runtime.firstmoduledata

Usage: fuzz/gofacts-seeds.py [DIR]   (default: the corpus next to it)
"""
import os
import struct
import sys

BASE = 0x400000
OFF_SH, OFF_SHSTR, OFF_PCLN, OFF_DATA, OFF_MD, SIZE = 0x100, 0x240, 0x300, 0x500, 0x680, 0x700
SHSTR = b"\0.shstrtab\0.gopclntab\0.data.rel.ro\0.go.buildinfo\0.noptrdata\0"
NAMES = (b"runtime.main\0crypto/x509.(*CertPool).AddCert\0net.(*Resolver).LookupHost\0"
         b"os/user.Current\0time.LoadLocation\0time/tzdata.init.0\0main.main\0")
MODINFO = (b"path\texample.com/app\nmod\texample.com/app\t(devel)\t\n"
           b"dep\tgolang.org/x/sys\tv0.5.0\th1:abc=\nbuild\tCGO_ENABLED=1\n")


def uvarint(v):
    out = bytearray()
    while v >= 0x80:
        out.append(v & 0x7f | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


class Image:
    def __init__(self, is64=True, be=False):
        self.b = bytearray(SIZE)
        self.is64, self.be = is64, be
        self.end = ">" if be else "<"
        self.w = "Q" if is64 else "I"

    def put(self, off, fmt, *v):
        struct.pack_into(self.end + fmt, self.b, off, *v)

    def ehdr(self, shnum):
        b = self.b
        b[0:4] = b"\x7fELF"
        b[4], b[5], b[6] = (2 if self.is64 else 1), (2 if self.be else 1), 1
        w = self.w
        # e_type e_machine e_version e_entry e_phoff e_shoff e_flags e_ehsize
        # e_phentsize e_phnum e_shentsize e_shnum e_shstrndx
        ehsize, phsize, shsize = (64, 56, 64) if self.is64 else (52, 32, 40)
        self.put(16, "HHI" + w + w + w + "IHHHHHH", 2, 62 if self.is64 else 20, 1, 0,
                 ehsize, OFF_SH if shnum else 0, 0, ehsize, phsize, 3, shsize, shnum,
                 1 if shnum else 0)
        return ehsize, phsize, shsize

    def phdr(self, at, ptype, flags, off, size):
        if self.is64:
            self.put(at, "IIQQQQQQ", ptype, flags, off, BASE + off, BASE + off, size, size,
                     0x1000)
        else:
            self.put(at, "IIIIIIII", ptype, off, BASE + off, BASE + off, size, size, flags,
                     0x1000)

    def shdr(self, at, name, stype, flags, off, size):
        addr = BASE + off if flags & 2 else 0
        if self.is64:
            self.put(at, "IIQQQQIIQQ", name, stype, flags, addr, off, size, 0, 0, 1, 0)
        else:
            self.put(at, "IIIIIIIIII", name, stype, flags, addr, off, size, 0, 0, 1, 0)


def build(magic=0xfffffff0, is64=True, be=False, named=True, relro=False, moduledata=True,
          sections=True):
    im = Image(is64, be)
    ptr = 8 if is64 else 4
    k = 2 if magic == 0xfffffffa else 3
    nameoff = (8 + (k + 5) * ptr + 31) // 32 * 32
    cu = (nameoff + len(NAMES) + 7) // 8 * 8
    words = [3, 1, BASE + OFF_PCLN, 0, 0, 0, 0, 0]
    words[k:k + 5] = [nameoff, cu, cu + 8, cu + 16, cu + 24]
    im.put(OFF_PCLN, "I", magic)
    im.b[OFF_PCLN + 6], im.b[OFF_PCLN + 7] = 1, ptr
    for i in range(k + 5):
        im.put(OFF_PCLN + 8 + i * ptr, im.w, words[i])
    im.b[OFF_PCLN + nameoff:OFF_PCLN + nameoff + len(NAMES)] = NAMES
    im.b[OFF_PCLN + cu + 8:OFF_PCLN + cu + 13] = b"a.go\0"
    pcln_size = cu + 56

    version = b"go1.21.4"
    bi = (b"\xff Go buildinf:" + bytes([ptr, 2 | (1 if be else 0)]) + bytes(16) +
          uvarint(len(version)) + version + uvarint(len(MODINFO) + 32) +
          b"0" * 16 + MODINFO + b"\xf2" * 16)
    im.b[OFF_DATA:OFF_DATA + len(bi)] = bi
    if moduledata:
        p, n = BASE + OFF_PCLN, cu - nameoff
        for i, v in enumerate([p, p + nameoff, n, n, p + cu, 8, 8, p + cu + 8, 8, 8]):
            im.put(OFF_MD + i * ptr, im.w, v)

    ehsize, phsize, shsize = im.ehdr(5 if sections else 0)
    im.phdr(ehsize, 1, 6 if relro else 4, OFF_PCLN, pcln_size)        # PT_LOAD
    im.phdr(ehsize + phsize, 1, 6, OFF_DATA, SIZE - OFF_DATA)          # PT_LOAD RW
    im.phdr(ehsize + 2 * phsize, 0x6474e552 if relro else 4, 4, OFF_PCLN,
            pcln_size if relro else 0)                                 # GNU_RELRO
    im.b[OFF_SHSTR:OFF_SHSTR + len(SHSTR)] = SHSTR
    im.shdr(OFF_SH + shsize, 1, 3, 0, OFF_SHSTR, len(SHSTR))
    im.shdr(OFF_SH + 2 * shsize, 11 if named else 22, 1, 2, OFF_PCLN, pcln_size)
    im.shdr(OFF_SH + 3 * shsize, 35, 1, 3, OFF_DATA, len(bi))
    im.shdr(OFF_SH + 4 * shsize, 49, 1, 3, OFF_DATA + 0x100, SIZE - OFF_DATA - 0x100)
    return bytes(im.b)


SEEDS = {
    "go118-le64": build(),
    "go116-be32": build(magic=0xfffffffa, is64=False, be=True),
    "go120-extpie": build(magic=0xfffffff1, named=False, relro=True),
    "go120-extpie-lld": build(magic=0xfffffff1, named=False, relro=True, moduledata=False),
    "go120-noshdr": build(magic=0xfffffff1, sections=False),
    "go115": build(magic=0xfffffffb),
    "trunc": build()[:0x340],
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "gofacts")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
