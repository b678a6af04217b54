package ident_test

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"activelab/ident"
)

func TestNewIsOrderedVersion7(t *testing.T) {
	prev := ident.New()
	for i := range 10000 {
		id := ident.New()
		if ident.Compare(prev, id) >= 0 {
			t.Fatalf("id %d: %s not after %s", i, id, prev)
		}
		if id[6]>>4 != 7 || id[8]>>6 != 2 {
			t.Fatalf("%s: version %d variant %d, want 7 and RFC 9562", id, id[6]>>4, id[8]>>6)
		}
		// The text form sorts as the bytes do (SQLite stores the text).
		if strings.Compare(prev.String(), id.String()) >= 0 {
			t.Fatalf("text %s not after %s", id, prev)
		}
		prev = id
	}
}

func TestParse(t *testing.T) {
	id := ident.New()
	got, err := ident.Parse(id.String())
	if err != nil || got != id {
		t.Fatalf("Parse(%s) = %s, %v", id, got, err)
	}
	for _, bad := range []string{"", "1", "999999", strings.ToUpper(id.String()), "{" + id.String() + "}",
		"urn:uuid:" + id.String(), strings.ReplaceAll(id.String(), "-", ""), id.String() + " ", "zzzzzzzz-zzzz-7zzz-8zzz-zzzzzzzzzzzz"} {
		if _, err := ident.Parse(bad); !errors.Is(err, ident.ErrInvalid) {
			t.Errorf("Parse(%q) = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestFormatJSONAndSQL(t *testing.T) {
	id := ident.MustParse("0193a5f2-7c4e-7d8a-9b1c-2d3e4f5a6b7c")
	for _, verb := range []string{"%v", "%s", "%d"} {
		if got := fmt.Sprintf(verb, id); got != "0193a5f2-7c4e-7d8a-9b1c-2d3e4f5a6b7c" {
			t.Errorf("%s: %s", verb, got)
		}
	}
	if got := fmt.Sprintf("%q", id); got != `"0193a5f2-7c4e-7d8a-9b1c-2d3e4f5a6b7c"` {
		t.Errorf("%%q: %s", got)
	}
	b, err := json.Marshal(struct {
		ID   ident.ID  `json:"id"`
		None ident.ID  `json:"none,omitzero"`
		Ptr  *ident.ID `json:"ptr"`
	}{ID: id})
	if err != nil || string(b) != `{"id":"0193a5f2-7c4e-7d8a-9b1c-2d3e4f5a6b7c","ptr":null}` {
		t.Errorf("JSON %s, %v", b, err)
	}
	var back struct{ ID ident.ID }
	if err := json.Unmarshal([]byte(`{"ID":"0193a5f2-7c4e-7d8a-9b1c-2d3e4f5a6b7c"}`), &back); err != nil || back.ID != id {
		t.Errorf("unmarshal: %s, %v", back.ID, err)
	}
	if err := json.Unmarshal([]byte(`{"ID":7}`), &back); err == nil {
		t.Error("a number unmarshalled as an id")
	}
	v, err := id.Value()
	if err != nil || v != driver.Value("0193a5f2-7c4e-7d8a-9b1c-2d3e4f5a6b7c") {
		t.Errorf("Value = %v, %v", v, err)
	}
	for _, src := range []any{"0193a5f2-7c4e-7d8a-9b1c-2d3e4f5a6b7c", []byte("0193a5f2-7c4e-7d8a-9b1c-2d3e4f5a6b7c"), id[:]} {
		var got ident.ID
		if err := got.Scan(src); err != nil || got != id {
			t.Errorf("Scan(%T) = %s, %v", src, got, err)
		}
	}
	var null ident.ID
	if err := null.Scan(nil); err != nil || !null.IsNil() {
		t.Errorf("Scan(nil) = %s, %v", null, err)
	}
	if err := null.Scan(int64(7)); err == nil {
		t.Error("Scan(int64) succeeded")
	}
}

// FuzzParse: Parse never panics, and what it accepts prints back as given.
func FuzzParse(f *testing.F) {
	f.Add("0193a5f2-7c4e-7d8a-9b1c-2d3e4f5a6b7c")
	f.Add("00000000-0000-0000-0000-000000000000")
	f.Add("{0193a5f2-7c4e-7d8a-9b1c-2d3e4f5a6b7c}")
	f.Add("1")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ident.Parse(s)
		if err != nil {
			if !errors.Is(err, ident.ErrInvalid) {
				t.Fatalf("Parse(%q): %v does not wrap ErrInvalid", s, err)
			}
			return
		}
		if id.String() != s {
			t.Fatalf("Parse(%q) prints as %s", s, id)
		}
	})
}
