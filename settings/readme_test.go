package settings

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the README's generated configuration section")

// The README's generated section lies between these lines.
const (
	readmeBegin = "<!-- settings:begin -->\n"
	readmeEnd   = "<!-- settings:end -->\n"
)

// TestREADMEConfiguration fails when the README's configuration tables
// differ from the table (`go generate ./settings` rewrites them).
func TestREADMEConfiguration(t *testing.T) {
	const path = "../README.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i, j := strings.Index(readme, readmeBegin), strings.Index(readme, readmeEnd)
	if i < 0 || j < i {
		t.Fatalf("%s has no %q ... %q section", path, strings.TrimSpace(readmeBegin), strings.TrimSpace(readmeEnd))
	}
	got, want := readme[i+len(readmeBegin):j], Markdown()
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(readme[:i+len(readmeBegin)]+want+readme[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote %s's configuration section", path)
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
	for k := 0; k < max(len(gl), len(wl)); k++ {
		var g, w string
		if k < len(gl) {
			g = gl[k]
		}
		if k < len(wl) {
			w = wl[k]
		}
		if g != w {
			t.Fatalf("%s's configuration section differs from the settings table (go generate ./settings rewrites it); first difference, line %d:\nREADME: %s\ntable:  %s", path, k+1, g, w)
		}
	}
}

// TestMarkdown: the generated section lists every setting once, with
// its flag, variable and default, under its group.
func TestMarkdown(t *testing.T) {
	md := Markdown()
	for _, g := range Groups() {
		if strings.Count(md, "\n#### "+g+"\n") != 1 {
			t.Errorf("group %q not headed once", g)
		}
	}
	for _, st := range Table() {
		row := "| " + st.Name + " | `" + st.FlagName() + "` | `" + st.Env + "` | "
		if strings.Count(md, row) != 1 {
			t.Errorf("%s: row %q not found once", st.Name, row)
		}
		if st.Secret && st.Default != "" && strings.Contains(md, st.Default) {
			t.Errorf("%s: secret default shown", st.Name)
		}
	}
}
