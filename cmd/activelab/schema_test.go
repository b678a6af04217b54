package main

import (
	"bytes"
	"errors"
	"testing"

	"activelab/graph"
)

// TestSchemaCommand: `activelab schema` prints graph.SDL (which graph's
// TestSDL checks against the executed schema) and refuses arguments.
func TestSchemaCommand(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := runSchema(nil, &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != graph.SDL() || out.Len() < 1000 {
		t.Fatalf("printed %d bytes, not the SDL:\n%.300s", out.Len(), out.String())
	}
	if err := runSchema([]string{"extra"}, &out); !errors.Is(err, errUsage) {
		t.Errorf("an argument: %v, want a usage error", err)
	}
}
