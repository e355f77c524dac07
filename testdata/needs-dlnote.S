/*
 * systemd's .note.dlopen (the FDO dlopen metadata) for libdlnote.so.1: two
 * notes, one per feature, as systemd's ELF_NOTE_DLOPEN() emits them.  "x"
 * is required (libxdep.so.1, which needs-dlnote.c dlopens); "y" is only
 * recommended (libxrec.so.1).  n_descsz counts the JSON's NUL; the
 * descriptor is padded to 4 bytes.
 */
	.section .note.dlopen,"a",@note
	.balign 4
	.long 4			/* n_namesz: "FDO\0" */
	.long 2f - 1f		/* n_descsz */
	.long 0x407c0c0a	/* n_type: FDO dlopen metadata */
	.asciz "FDO"
1:	.asciz "[{\"feature\":\"x\",\"description\":\"the x feature\",\"priority\":\"required\",\"soname\":[\"libxdep.so.1\"]}]"
2:	.balign 4
	.long 4
	.long 4f - 3f
	.long 0x407c0c0a
	.asciz "FDO"
3:	.asciz "[{\"feature\":\"y\",\"description\":\"the y feature\",\"priority\":\"recommended\",\"soname\":[\"libxrec.so.1\"]}]"
4:	.balign 4
	.section .note.GNU-stack,"",@progbits
