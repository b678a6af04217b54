package settings

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Usage returns a flag.FlagSet Usage function that prints synopsis and
// every flag of fs: a setting's with its variable, help and default from
// the table, a command's own flags (those not in the table) with their
// help and default. It prints to fs.Output().
func (s *Set) Usage(fs *flag.FlagSet, synopsis string) func() {
	return func() { s.WriteUsage(fs.Output(), fs, synopsis) }
}

// WriteUsage writes what Usage prints to w.
func (s *Set) WriteUsage(w io.Writer, fs *flag.FlagSet, synopsis string) {
	note := ""
	if len(s.settings) > 0 {
		note = " (a flag beats its ACTIVELAB_* variable, which beats the default)"
	}
	fmt.Fprintf(w, "Usage: %s\n\nFlags%s:\n", synopsis, note)
	fs.VisitAll(func(f *flag.Flag) {
		if st, ok := s.HasFlag(f.Name); ok {
			var notes []string
			if st.Default != "" && !st.Secret {
				notes = append(notes, "default "+st.Default)
			}
			notes = append(notes, checks(st)...)
			fmt.Fprintf(w, "  --%s %s, %s\n      %s%s\n", f.Name, st.Type, st.Env, plain(st.Help), parenthesize(notes))
			return
		}
		def := ""
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "0s" && f.DefValue != "false" {
			def = fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "  --%s\n      %s%s\n", f.Name, f.Usage, def)
	})
}

// plain drops the Markdown code marks of a help text for the terminal.
func plain(help string) string { return strings.ReplaceAll(help, "`", "") }

// Markdown is the README's configuration tables: one per group, each
// setting with its flag, variable, default, commands and meaning.
func Markdown() string {
	var b strings.Builder
	b.WriteString("<!-- Generated from settings/table.go by `activelab config --markdown`; `go generate ./settings` rewrites it. -->\n")
	for _, g := range Groups() {
		fmt.Fprintf(&b, "\n#### %s\n\n", g)
		b.WriteString("| Setting | Flag | Variable | Type | Default | Commands | Meaning |\n|---|---|---|---|---|---|---|\n")
		for _, st := range table {
			if st.Group != g {
				continue
			}
			def := "none"
			if st.Default != "" && !st.Secret {
				def = "`" + st.Default + "`"
			}
			fmt.Fprintf(&b, "| %s | `%s` | `%s` | %s | %s | %s | %s |\n",
				st.Name, st.FlagName(), st.Env, st.Type, def, commandList(st.Commands), cell(st.Help+parenthesize(checks(st))))
		}
	}
	return b.String()
}

// commandList names the commands; a setting every command with a
// database reads says so instead of listing nine.
func commandList(cmds []string) string {
	if slices.Equal(cmds, Commands()) {
		return "all that open the database"
	}
	return strings.Join(cmds, ", ")
}

// checks describes a setting's validation: "positive", "1 to 100",
// "one of debug, info, warn, error".
func checks(st Setting) []string {
	var parts []string
	if st.Positive {
		parts = append(parts, "positive")
	}
	if st.Required {
		parts = append(parts, "not empty")
	}
	switch {
	case st.HasMin && st.HasMax:
		parts = append(parts, fmt.Sprintf("%s to %s", st.bound(st.Min), st.bound(st.Max)))
	case st.HasMin:
		parts = append(parts, "at least "+st.bound(st.Min))
	case st.HasMax:
		parts = append(parts, "at most "+st.bound(st.Max))
	}
	if len(st.Enum) > 0 {
		parts = append(parts, "one of "+strings.Join(st.Enum, ", "))
	}
	return parts
}

// parenthesize writes notes as " (a; b)", or nothing.
func parenthesize(notes []string) string {
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, "; ") + ")"
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
