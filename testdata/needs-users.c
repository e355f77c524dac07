/*
 * getpwuid(0) and getgrgid(0): glibc's NSS reads /etc/nsswitch.conf, then
 * /etc/passwd and /etc/group.  Prints the two names ("root root").
 */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>

int main(void)
{
	struct passwd *pw = getpwuid(0);
	struct group *gr = getgrgid(0);

	if (!pw || !gr) {
		fprintf(stderr, "unknown %s 0\n", !pw ? "user" : "group");
		return 1;
	}
	printf("%s %s\n", pw->pw_name, gr->gr_name);
	return 0;
}
