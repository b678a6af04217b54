//go:build !linux

package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// isTerminal reports whether f is a character device (a terminal, most
// likely); echo cannot be turned off on this platform.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// readHidden reads one line; on this platform the input is echoed.
func readHidden(f *os.File) (string, error) {
	fmt.Fprint(os.Stderr, "(input is visible) ")
	line, err := bufio.NewReader(f).ReadString('\n')
	return strings.TrimRight(line, "\r\n"), err
}
