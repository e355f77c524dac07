/*
 * setlocale(LC_ALL, "") from LANG, then what the locale decides: the name
 * setlocale returns, how many bytes mbrtowc takes for the euro sign and
 * which character it makes of them, and printf's %'d grouping.  In the C
 * locale (no locale files): "(null) -1 U+0000 1234567".
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

int main(void)
{
	const char *name = setlocale(LC_ALL, "");
	const char euro[] = "\342\202\254";
	mbstate_t st;
	wchar_t wc = 0;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = mbrtowc(&wc, euro, 3, &st);
	printf("%s %d U+%04lX %'d\n", name ? name : "(null)", (int)n, (unsigned long)wc, 1234567);
	return 0;
}
