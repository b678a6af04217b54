package ingest

import (
	"fmt"
	"strconv"
	"strings"
)

// Class names, one set of rules for every way in: a new model's classes,
// an import's Options.Classes, and a label given as a class.

// MaxClasses is the most classes a model may have (ml.MaxClasses: a test
// of package activelearning keeps the two equal).
const MaxClasses = 64

// CheckClasses validates class names in index order and returns them
// trimmed: 2 to MaxClasses names of 1 to 64 bytes of printable ASCII, no
// two the same ignoring case (a label "Low" must name one class). The
// error says what is wrong, for the field that holds them.
func CheckClasses(classes []string) ([]string, error) {
	if len(classes) < 2 || len(classes) > MaxClasses {
		return nil, fmt.Errorf("%d classes, want 2 to %d", len(classes), MaxClasses)
	}
	out := make([]string, len(classes))
	seen := make(map[string]string, len(classes))
	for i, c := range classes {
		c = strings.TrimSpace(c)
		if c == "" || len(c) > 64 {
			return nil, fmt.Errorf("class %d: a name is 1 to 64 characters", i+1)
		}
		for _, r := range []byte(c) {
			if r < 0x20 || r > 0x7e {
				return nil, fmt.Errorf("class %q: printable ASCII only", c)
			}
		}
		k := strings.ToLower(c)
		if prev, ok := seen[k]; ok {
			if prev == c {
				return nil, fmt.Errorf("class %q twice", c)
			}
			return nil, fmt.Errorf("classes %q and %q differ only in case", prev, c)
		}
		seen[k] = c
		out[i] = c
	}
	return out, nil
}

// ClassIndex resolves a class label against classes: a class name (as it
// is, else ignoring case), or its index 0..K−1 written as an integer;
// surrounding spaces do not count. false when it is none of them.
func ClassIndex(classes []string, label string) (int, bool) {
	label = strings.TrimSpace(label)
	for k, c := range classes {
		if c == label {
			return k, true
		}
	}
	for k, c := range classes {
		if strings.EqualFold(c, label) {
			return k, true
		}
	}
	if k, err := strconv.Atoi(label); err == nil && k >= 0 && k < len(classes) {
		return k, true
	}
	return 0, false
}
