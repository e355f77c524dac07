// Counts the subjects of crypto/x509's system pool: a CGO_ENABLED=0 Go
// program reads the first CA bundle of its list (/etc/ssl/certs/
// ca-certificates.crt...) and the certificate directories.  Prints the
// count, or the error (exit 1).
package main

import (
	"crypto/x509"
	"fmt"
	"os"
)

func main() {
	pool, err := x509.SystemCertPool()
	if err != nil {
		fmt.Fprintln(os.Stderr, "SystemCertPool:", err)
		os.Exit(1)
	}
	fmt.Println(len(pool.Subjects()))
}
