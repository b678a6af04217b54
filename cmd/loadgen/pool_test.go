package main

import (
	"os"
	"runtime"
	"strings"
	"testing"

	"activelab/chem"
)

// TestPoolCSV: the generated pool is n distinct molecules that parse.
func TestPoolCSV(t *testing.T) {
	const n = 6000
	lines := strings.Split(strings.TrimSpace(poolCSV(n)), "\n")[1:]
	if len(lines) != n {
		t.Fatalf("%d rows, want %d", len(lines), n)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		smi, _, _ := strings.Cut(l, ",")
		m, err := chem.Parse(smi)
		if err != nil {
			t.Fatalf("%s: %v", smi, err)
		}
		c := chem.CanonicalSMILES(m)
		if seen[c] {
			t.Errorf("%s duplicates %s", smi, c)
		}
		seen[c] = true
	}
}

// TestRSSKB: the generator reads a process's resident memory (its own
// here): more than zero, and it grows by about what the process touches.
func TestRSSKB(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("VmRSS is read from /proc")
	}
	before, ok := rssKB(os.Getpid())
	if !ok || before <= 0 {
		t.Fatalf("rssKB(self) = %d, %v", before, ok)
	}
	buf := make([]byte, 64<<20)
	for i := range buf {
		buf[i] = byte(i)
	}
	after, ok := rssKB(os.Getpid())
	if !ok || after-before < 32<<10 {
		t.Errorf("RSS %d -> %d KB after touching 64 MB; want at least 32 MB more", before, after)
	}
	runtime.KeepAlive(buf)
	if _, ok := rssKB(-1); ok {
		t.Error("rssKB of no process succeeded")
	}
}
