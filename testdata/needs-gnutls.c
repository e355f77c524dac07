/*
 * GnuTLS's system trust: gnutls_certificate_set_x509_system_trust() reads
 * the CA bundle compiled into libgnutls.  Prints how many certificates it
 * loaded, or the error.
 */
#include <gnutls/gnutls.h>
#include <stdio.h>

int main(void)
{
	gnutls_certificate_credentials_t cred;
	int n;

	if (gnutls_global_init() < 0 || gnutls_certificate_allocate_credentials(&cred) < 0) {
		fputs("gnutls init failed\n", stderr);
		return 2;
	}
	n = gnutls_certificate_set_x509_system_trust(cred);
	if (n < 0) {
		fprintf(stderr, "system trust: %s\n", gnutls_strerror(n));
		return 1;
	}
	printf("%d\n", n);
	gnutls_certificate_free_credentials(cred);
	gnutls_global_deinit();
	return 0;
}
