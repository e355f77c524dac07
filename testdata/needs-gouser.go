// user.Current() in a CGO_ENABLED=0 Go program: os/user reads /etc/passwd
// (and /etc/group for the group name) itself.  Prints "NAME HOME GROUP",
// or the error (exit 1); run it with no $USER or $HOME set.
package main

import (
	"fmt"
	"os"
	"os/user"
)

func main() {
	u, err := user.Current()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(u.Username, u.HomeDir, g.Name)
}
