package settings

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Type is how a setting's text is read.
type Type int

// The types a setting may have. Each reads the text a user writes on the
// command line or in the environment.
const (
	// String is any text.
	String Type = iota
	// Bool is true or false (also 1, 0, t, f, as strconv.ParseBool reads).
	Bool
	// Int is a whole number (64-bit).
	Int
	// Float is a decimal number.
	Float
	// Duration is a Go duration: 90s, 15m, 336h.
	Duration
	// List is comma-separated text; blanks around items and empty items
	// are dropped.
	List
	// IntMap is NAME=N[,NAME=N...] over the default's pairs: a name not
	// written keeps its default count.
	IntMap
	// DurationMap is NAME=DURATION[,...] over the default's pairs.
	DurationMap
)

// String names the type as the README and --help show it.
func (t Type) String() string {
	switch t {
	case String:
		return "string"
	case Bool:
		return "bool"
	case Int:
		return "int"
	case Float:
		return "float"
	case Duration:
		return "duration"
	case List:
		return "list"
	case IntMap:
		return "NAME=N,..."
	case DurationMap:
		return "NAME=DURATION,..."
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// Setting is one row of the table.
type Setting struct {
	// Name identifies the setting in code (Set's accessors) and in the
	// README, e.g. "MaxBodyBytes". Unique in the table.
	Name string
	// Flag is the command-line flag without dashes, e.g. "max-body-bytes".
	// Two settings may share a flag when no command uses both (serve's and
	// worker's --addr differ in meaning and default).
	Flag string
	// Env is the environment variable, e.g. "ACTIVELAB_MAX_BODY_BYTES".
	Env string
	// Type is how the value is read.
	Type Type
	// Default is the value when neither the flag nor the variable is
	// given, written as a user would write it.
	Default string
	// Min and Max bound an Int, Float or Duration value (for maps, each
	// value; a Duration's bounds are in nanoseconds, e.g.
	// float64(time.Second)). HasMin and HasMax say which bound applies.
	Min, Max       float64
	HasMin, HasMax bool
	// Positive requires a number, duration or each map value above zero.
	Positive bool
	// Required refuses an empty String value.
	Required bool
	// Enum lists the values a String may take (compared without case).
	Enum []string
	// Keys lists the names a map may hold, and KeyNoun what they are
	// ("queue", "job kind"), for error messages.
	Keys    []string
	KeyNoun string
	// Secret hides the value from --help and the README (a token).
	Secret bool
	// Help says what the setting does, in one or two sentences.
	Help string
	// Group is the README subsection the setting is listed under.
	Group string
	// Commands are the activelab commands that read the setting.
	Commands []string
}

// Used reports whether command reads s.
func (s Setting) Used(command string) bool { return slices.Contains(s.Commands, command) }

// FlagName is the flag as written on the command line: "--max-body-bytes".
func (s Setting) FlagName() string { return "--" + s.Flag }

// Parse reads text as the setting's type, checking its map keys but not
// its range (Check does that).
func (s Setting) Parse(text string) (any, error) {
	switch s.Type {
	case String:
		return text, nil
	case Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(text))
		if err != nil {
			return nil, fmt.Errorf("%q is not true or false", text)
		}
		return b, nil
	case Int:
		n, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a whole number", text)
		}
		return n, nil
	case Float:
		f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%q is not a finite number", text)
		}
		return f, nil
	case Duration:
		d, err := time.ParseDuration(strings.TrimSpace(text))
		if err != nil {
			return nil, fmt.Errorf("%q is not a duration (e.g. 90s, 15m, 2h)", text)
		}
		return d, nil
	case List:
		var out []string
		for _, item := range strings.Split(text, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
		return out, nil
	case IntMap:
		return parseMap(s, text, func(v string) (int64, error) {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return 0, fmt.Errorf("%q is not a whole number", v)
			}
			return n, nil
		})
	case DurationMap:
		return parseMap(s, text, func(v string) (time.Duration, error) {
			d, err := time.ParseDuration(v)
			if err != nil {
				return 0, fmt.Errorf("%q is not a duration", v)
			}
			return d, nil
		})
	}
	return nil, fmt.Errorf("setting %s has unknown type %d", s.Name, int(s.Type))
}

// parseMap reads NAME=VALUE pairs over the setting's default pairs.
func parseMap[V any](s Setting, text string, value func(string) (V, error)) (map[string]V, error) {
	out := map[string]V{}
	read := func(text string) error {
		for _, p := range strings.Split(text, ",") {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			k, v, ok := strings.Cut(p, "=")
			if !ok {
				return fmt.Errorf("%q is not NAME=VALUE", p)
			}
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if len(s.Keys) > 0 && !slices.Contains(s.Keys, k) {
				return fmt.Errorf("unknown %s %q (%ss: %s)", s.keyNoun(), k, s.keyNoun(), strings.Join(s.Keys, ", "))
			}
			x, err := value(v)
			if err != nil {
				return fmt.Errorf("%s %s: %w", s.keyNoun(), k, err)
			}
			out[k] = x
		}
		return nil
	}
	if err := read(s.Default); err != nil {
		return nil, fmt.Errorf("default %q: %w", s.Default, err)
	}
	if err := read(text); err != nil {
		return nil, err
	}
	return out, nil
}

func (s Setting) keyNoun() string {
	if s.KeyNoun == "" {
		return "name"
	}
	return s.KeyNoun
}

// Check validates a parsed value against the setting's range, Positive,
// Required and Enum.
func (s Setting) Check(v any) error {
	switch x := v.(type) {
	case string:
		if s.Required && x == "" {
			return fmt.Errorf("must not be empty")
		}
		if len(s.Enum) > 0 && !slices.ContainsFunc(s.Enum, func(e string) bool { return strings.EqualFold(e, x) }) {
			return fmt.Errorf("%q is not one of %s", x, strings.Join(s.Enum, ", "))
		}
	case int64:
		return s.checkNumber(float64(x), strconv.FormatInt(x, 10))
	case float64:
		return s.checkNumber(x, strconv.FormatFloat(x, 'g', -1, 64))
	case time.Duration:
		return s.checkNumber(float64(x), x.String())
	case map[string]int64:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if err := s.checkNumber(float64(x[k]), strconv.FormatInt(x[k], 10)); err != nil {
				return fmt.Errorf("%s %s: %w", s.keyNoun(), k, err)
			}
		}
	case map[string]time.Duration:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if err := s.checkNumber(float64(x[k]), x[k].String()); err != nil {
				return fmt.Errorf("%s %s: %w", s.keyNoun(), k, err)
			}
		}
	}
	return nil
}

func (s Setting) checkNumber(x float64, text string) error {
	switch {
	case s.Positive && x <= 0:
		return fmt.Errorf("must be positive, got %s", text)
	case s.HasMin && s.HasMax && (x < s.Min || x > s.Max):
		return fmt.Errorf("must be from %s to %s, got %s", s.bound(s.Min), s.bound(s.Max), text)
	case s.HasMin && x < s.Min:
		return fmt.Errorf("must be at least %s, got %s", s.bound(s.Min), text)
	case s.HasMax && x > s.Max:
		return fmt.Errorf("must be at most %s, got %s", s.bound(s.Max), text)
	}
	return nil
}

// bound writes a range bound in the setting's own units.
func (s Setting) bound(x float64) string {
	if s.Type == Duration || s.Type == DurationMap {
		return time.Duration(x).String()
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// Error is a bad setting: its value did not parse or is out of range. It
// names the setting's flag and, when the value came from the environment,
// the variable and the value.
type Error struct {
	// Setting is the row's Name; Flag its flag ("--depth-limit").
	Setting, Flag string
	// Env is the variable the value came from, empty for a flag or a
	// default.
	Env string
	// Value is the text given.
	Value string
	// Err says what is wrong.
	Err error
}

// Error writes "--depth-limit: must be positive, got 0", and for a value
// from the environment `ACTIVELAB_DEPTH_LIMIT="0": --depth-limit: ...`.
func (e *Error) Error() string {
	if e.Env != "" {
		return fmt.Sprintf("%s=%q: %s: %v", e.Env, e.Value, e.Flag, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Flag, e.Err)
}

// Unwrap returns what is wrong.
func (e *Error) Unwrap() error { return e.Err }

// format writes a parsed value back as a user would write it.
func format(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case time.Duration:
		return x.String()
	case []string:
		return strings.Join(x, ",")
	case map[string]int64:
		return formatPairs(x)
	case map[string]time.Duration:
		return formatPairs(x)
	}
	return fmt.Sprint(v)
}

func formatPairs[V any](m map[string]V) string {
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s=%s", k, format(any(m[k]))))
	}
	return strings.Join(parts, ",")
}
