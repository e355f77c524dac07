/*
 * OpenSSL's default verify paths: SSL_CTX_set_default_verify_paths() loads
 * OPENSSLDIR/cert.pem (the CA bundle) into the context's store.  Prints how
 * many certificates the store holds then.
 */
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>

int main(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	STACK_OF(X509_OBJECT) *objs;
	int n = 0;

	if (!ctx || SSL_CTX_set_default_verify_paths(ctx) != 1) {
		fputs("cannot set the default verify paths\n", stderr);
		return 2;
	}
	objs = X509_STORE_get0_objects(SSL_CTX_get_cert_store(ctx));
	for (int i = 0; i < sk_X509_OBJECT_num(objs); i++)
		if (X509_OBJECT_get_type(sk_X509_OBJECT_value(objs, i)) == X509_LU_X509)
			n++;
	printf("%d\n", n);
	SSL_CTX_free(ctx);
	return 0;
}
