package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"activelab/activelearning"
	"activelab/store"
)

func init() {
	register("export", command{
		Summary: "export an endpoint's measurements as CSV: 'export --endpoint E [--set NAME] [--out FILE]'",
		Run: func(ctx context.Context, args []string) error {
			return runExport(ctx, args, os.Stdout, os.Stderr)
		},
	})
}

// runExport writes every measurement of an endpoint (imports, labels and
// manual values) as CSV to --out or standard output. A file is written
// next to its final name and renamed when complete, so a failed export
// leaves no half-written file.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	conf := bindSettings(fs, "export")
	endpoint := fs.String("endpoint", "", "the endpoint to export, e.g. logS (required)")
	setName := fs.String("set", "", "only compounds of this compound set")
	out := fs.String("out", "", "file to write (default: standard output)")
	user := fs.String("user", "", "email of the exporting user (default: the first admin)")
	fs.Usage = conf.Usage(fs, "activelab export --endpoint E [--set NAME] [--out FILE]")
	if err := parseFlags(fs, args, conf); err != nil {
		return err
	}
	if *endpoint == "" {
		return fmt.Errorf("%w: --endpoint is required", errUsage)
	}
	st, err := openStore(ctx, conf.String("DatabaseURL"))
	if err != nil {
		return err
	}
	defer st.Close()
	actor, err := commandActor(ctx, st, *user)
	if err != nil {
		return err
	}
	var setID store.ID
	if *setName != "" {
		cs, err := st.CompoundSetByName(ctx, *setName)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%w: no compound set named %q", errUsage, *setName)
		}
		if err != nil {
			return err
		}
		setID = cs.ID
	}
	svc := activelearning.New(st, nil, activelearning.Config{}, nil)
	if *out == "" {
		w := bufio.NewWriter(stdout)
		n, err := svc.ExportMeasurements(ctx, actor, *endpoint, setID, w)
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "export: %d measurements of %s\n", n, *endpoint)
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".export-*.csv")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // gone after the rename; removes a failed export
	w := bufio.NewWriter(tmp)
	n, err := svc.ExportMeasurements(ctx, actor, *endpoint, setID, w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "export: %d measurements of %s written to %s\n", n, *endpoint, *out)
	return nil
}
