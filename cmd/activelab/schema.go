package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"activelab/graph"
)

func init() {
	register("schema", command{
		Summary: "print the GraphQL schema (SDL) for client code generators; the server also serves it at GET /graphql/schema.graphql",
		Run: func(ctx context.Context, args []string) error {
			return runSchema(args, os.Stdout)
		},
	})
}

// runSchema prints graph.SDL: the schema the server executes. It needs no
// database and takes no flags.
func runSchema(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("schema", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: activelab schema > schema.graphql\n\nPrints the GraphQL schema in SDL.")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: schema takes no arguments (got %q)", errUsage, fs.Args())
	}
	_, err := io.WriteString(stdout, graph.SDL())
	return err
}
