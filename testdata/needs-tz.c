/*
 * localtime() in the zone named by argv[1] of the time argv[2] (default
 * 1700000000, 2023-11-14 22:13:20 UTC): glibc reads /usr/share/zoneinfo/ZONE.
 * Prints the zone's abbreviation and offset then ("CET +0100" for
 * Europe/Paris).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	time_t t;
	struct tm tm;
	char buf[64];

	if (argc != 2 && argc != 3) {
		fputs("usage: needs-tz ZONE [TIME]\n", stderr);
		return 2;
	}
	t = argc == 3 ? (time_t)strtoll(argv[2], NULL, 10) : 1700000000;
	setenv("TZ", argv[1], 1);
	tzset();
	if (!localtime_r(&t, &tm) || !strftime(buf, sizeof(buf), "%Z %z", &tm)) {
		fputs("localtime failed\n", stderr);
		return 1;
	}
	puts(buf);
	return 0;
}
