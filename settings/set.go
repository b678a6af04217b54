package settings

import (
	"errors"
	"flag"
	"fmt"
	"time"
)

// Set is the settings of one command and, once resolved, their values.
// Build it with For, register its flags with Bind, parse the command line,
// then call Resolve. A Set is not safe for concurrent use.
type Set struct {
	command  string
	settings []Setting
	byName   map[string]int
	given    map[string]string // text given on the command line, by name
	values   map[string]any    // after Resolve, by name
	source   map[string]string // the variable a value came from, by name
	read     map[string]bool   // names an accessor has returned
	resolved bool
}

// For returns the settings command reads ("serve", "worker", "import",
// ...), unresolved. A command that reads none gets an empty Set.
func For(command string) *Set {
	s := &Set{command: command, byName: map[string]int{}, given: map[string]string{},
		values: map[string]any{}, source: map[string]string{}, read: map[string]bool{}}
	for _, st := range table {
		if st.Used(command) {
			s.byName[st.Name] = len(s.settings)
			s.settings = append(s.settings, st)
		}
	}
	return s
}

// Command is the command the Set belongs to.
func (s *Set) Command() string { return s.command }

// Settings returns the command's settings in table order.
func (s *Set) Settings() []Setting { return append([]Setting(nil), s.settings...) }

// Bind registers a flag on fs for each setting. The flags record their
// text; Resolve reads and checks it.
func (s *Set) Bind(fs *flag.FlagSet) {
	for _, st := range s.settings {
		fs.Var(&flagValue{set: s, setting: st}, st.Flag, st.Help)
	}
}

// HasFlag reports whether name (without dashes) is one of the Set's
// flags, so it has an environment variable.
func (s *Set) HasFlag(name string) (Setting, bool) {
	for _, st := range s.settings {
		if st.Flag == name {
			return st, true
		}
	}
	return Setting{}, false
}

// flagValue is one setting's flag.Value.
type flagValue struct {
	set     *Set
	setting Setting
}

func (f *flagValue) String() string {
	if f == nil || f.set == nil {
		return ""
	}
	if t, ok := f.set.given[f.setting.Name]; ok {
		return t
	}
	return f.setting.Default
}

// Set records the text; Resolve parses and checks it with the rest, so
// a bad flag is reported like a bad variable ("--workers: unknown queue").
func (f *flagValue) Set(text string) error {
	f.set.given[f.setting.Name] = text
	return nil
}

// IsBoolFlag lets a Bool setting be given as plain --demo.
func (f *flagValue) IsBoolFlag() bool { return f.setting.Type == Bool }

// Resolve settles every value: the flag when it was given on the command
// line, else the variable when getenv returns it non-empty, else the
// default. It then checks each value's range and the rules that tie
// settings together. Errors are *Error, joined when several settings are
// bad (a bad variable names itself and its value).
func (s *Set) Resolve(getenv func(string) string) error {
	var errs []error
	for _, st := range s.settings {
		text, env := st.Default, ""
		if t, ok := s.given[st.Name]; ok {
			text = t
		} else if v := getenv(st.Env); v != "" {
			text, env = v, st.Env
		}
		v, err := st.Parse(text)
		if err == nil {
			err = st.Check(v)
		}
		if err != nil {
			errs = append(errs, &Error{Setting: st.Name, Flag: st.FlagName(), Env: env, Value: text, Err: err})
			continue
		}
		s.values[st.Name] = v
		if env != "" {
			s.source[st.Name] = env
		}
	}
	if len(errs) == 0 {
		errs = append(errs, s.checkRules()...)
	}
	s.resolved = len(errs) == 0
	return errors.Join(errs...)
}

// rule ties settings together: check sees the values, all resolved.
type rule struct {
	names []string
	check func(s *Set) error
}

// rules are the checks that involve more than one setting; the first name
// is the setting an error is reported on.
var rules = []rule{
	{[]string{"JobRescueAfter", "JobTimeout"}, func(s *Set) error {
		timeout, rescue := s.values["JobTimeout"].(time.Duration), s.values["JobRescueAfter"].(time.Duration)
		if rescue < timeout {
			return fmt.Errorf("got --job-timeout %s and --job-rescue-after %s: want --job-rescue-after at least as long as --job-timeout, or a running job would be retried while it runs", timeout, rescue)
		}
		return nil
	}},
	{[]string{"MetricsAddr", "Addr"}, func(s *Set) error {
		if m := s.values["MetricsAddr"].(string); m != "" && m == s.values["Addr"].(string) {
			return fmt.Errorf("must differ from --addr (%s)", m)
		}
		return nil
	}},
}

func (s *Set) checkRules() []error {
	var errs []error
	for _, r := range rules {
		all := true
		for _, n := range r.names {
			_, ok := s.values[n]
			all = all && ok
		}
		if !all {
			continue
		}
		if err := r.check(s); err != nil {
			st := s.settings[s.byName[r.names[0]]]
			errs = append(errs, &Error{Setting: st.Name, Flag: st.FlagName(), Env: s.source[st.Name], Value: format(s.values[st.Name]), Err: err})
		}
	}
	return errs
}

// Source says where a resolved value came from: "flag", the variable's
// name, or "default".
func (s *Set) Source(name string) string {
	s.mustHave(name)
	if _, ok := s.given[name]; ok {
		return "flag"
	}
	if env := s.source[name]; env != "" {
		return env
	}
	return "default"
}

// Unread lists the command's settings no accessor has returned: a test
// builds a command's configuration and expects none, so a setting in the
// table cannot be forgotten by the code that hands it on.
func (s *Set) Unread() []string {
	var out []string
	for _, st := range s.settings {
		if !s.read[st.Name] {
			out = append(out, st.Name)
		}
	}
	return out
}

// mustHave panics unless name is one of the Set's resolved settings: an
// accessor called with a wrong name or before Resolve is a programmer
// error, never caused by input.
func (s *Set) mustHave(name string) {
	if _, ok := s.byName[name]; !ok {
		panic(fmt.Sprintf("settings: %s does not read setting %q", s.command, name))
	}
	if !s.resolved {
		panic(fmt.Sprintf("settings: %s read before Resolve succeeded", name))
	}
}

func get[T any](s *Set, name string) T {
	s.mustHave(name)
	v, ok := s.values[name].(T)
	if !ok {
		panic(fmt.Sprintf("settings: %s is a %s, not %T", name, s.settings[s.byName[name]].Type, v))
	}
	s.read[name] = true
	return v
}

// String returns a String setting's value. Like every accessor it panics
// when the command does not read the setting, when the setting has
// another type, or before Resolve succeeded (programmer errors).
func (s *Set) String(name string) string { return get[string](s, name) }

// Bool returns a Bool setting's value.
func (s *Set) Bool(name string) bool { return get[bool](s, name) }

// Int64 returns an Int setting's value.
func (s *Set) Int64(name string) int64 { return get[int64](s, name) }

// Int returns an Int setting's value as an int.
func (s *Set) Int(name string) int { return int(get[int64](s, name)) }

// Float returns a Float setting's value.
func (s *Set) Float(name string) float64 { return get[float64](s, name) }

// Duration returns a Duration setting's value.
func (s *Set) Duration(name string) time.Duration { return get[time.Duration](s, name) }

// List returns a List setting's items (nil when empty).
func (s *Set) List(name string) []string { return get[[]string](s, name) }

// IntMap returns a new copy of an IntMap setting's pairs, as ints.
func (s *Set) IntMap(name string) map[string]int {
	m := get[map[string]int64](s, name)
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = int(v)
	}
	return out
}

// DurationMap returns a new copy of a DurationMap setting's pairs.
func (s *Set) DurationMap(name string) map[string]time.Duration {
	m := get[map[string]time.Duration](s, name)
	out := make(map[string]time.Duration, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Text returns a resolved value written as a user would write it (a map
// as sorted NAME=VALUE pairs). It does not count as reading the setting.
func (s *Set) Text(name string) string {
	s.mustHave(name)
	return format(s.values[name])
}
