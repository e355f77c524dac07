/*
 * A program whose dynamic symbol table is large (built with -rdynamic, -fno-pic, -no-pie and a
 * generated table of 30000 exported functions) and which takes the address
 * of getservbyname: in a non-PIE executable that import is given the
 * address of its PLT entry and so sits in DT_GNU_HASH's hashed part, where
 * the walk looks it up by name instead of reading the whole table.
 * getpwuid is called plainly (an import before the hashed part).  Prints
 * "PORT/PROTO USER".
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>

struct servent *(*volatile lookup)(const char *, const char *);

int main(void)
{
	/* Built with -fno-pic: the address taken in code, an absolute one. */
	lookup = getservbyname;
	struct servent *s = lookup("http", "tcp");
	struct passwd *pw = getpwuid(0);

	if (!s || !pw) {
		fprintf(stderr, "unknown %s\n", !s ? "service http/tcp" : "user 0");
		return 1;
	}
	printf("%d/%s %s\n", ntohs((unsigned short)s->s_port), s->s_proto, pw->pw_name);
	return 0;
}
