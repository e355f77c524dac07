/*
 * getservbyname(NAME, PROTO) (default "http", "tcp"): glibc's NSS and musl
 * read /etc/services.  Prints "PORT/PROTO".
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "http";
	const char *proto = argc > 2 ? argv[2] : "tcp";
	struct servent *s = getservbyname(name, proto);

	if (!s) {
		fprintf(stderr, "unknown service %s/%s\n", name, proto);
		return 1;
	}
	printf("%d/%s\n", ntohs((unsigned short)s->s_port), s->s_proto);
	return 0;
}
