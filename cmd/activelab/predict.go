package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"activelab/activelearning"
	"activelab/activelearning/predictio"
)

func init() {
	register("predict", command{
		Summary: "score a CSV, SDF or SMILES file with a model: 'predict --model ID|NAME [--version N] --in FILE --out FILE'",
		Run: func(ctx context.Context, args []string) error {
			return runPredict(ctx, args, os.Stderr)
		},
	})
}

// runPredict scores every record of --in with a model version and writes
// them, in order and with their own columns or data items, plus the
// prediction columns (predictio.Columns), to --out. The output is written
// next to its final name and renamed when complete, so a failed run leaves
// no half-written file.
func runPredict(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("predict", flag.ContinueOnError)
	conf := bindSettings(fs, "predict")
	model := fs.String("model", "", "the model: its id or name (required)")
	version := fs.Int("version", 0, "the model version (default: the active one)")
	in := fs.String("in", "", "file to score: .csv .tsv .sdf .smi, optionally .gz (required)")
	inFormat := fs.String("in-format", "", "input format: csv, sdf or smi (default: from --in's extension)")
	smilesCol := fs.String("smiles-column", "smiles", "CSV column holding the SMILES")
	out := fs.String("out", "", "file to write: .csv, .sdf or .jsonl (required)")
	format := fs.String("format", "", "output format: csv, sdf or jsonl (default: from --out's extension)")
	user := fs.String("user", "", "email of the predicting user (default: the first admin)")
	fs.Usage = conf.Usage(fs, "activelab predict --model ID|NAME [--version N] --in FILE --out FILE")
	if err := parseFlags(fs, args, conf); err != nil {
		return err
	}
	if *model == "" || *in == "" || *out == "" {
		return fmt.Errorf("%w: --model, --in and --out are required", errUsage)
	}
	if *version < 0 {
		return fmt.Errorf("%w: --version %d is not a version number", errUsage, *version)
	}
	inF, err := pickFormat(*inFormat, *in)
	if err != nil {
		return err
	}
	outF, err := pickFormat(*format, *out)
	if err != nil {
		return err
	}
	if outF == predictio.SMI {
		return fmt.Errorf("%w: cannot write SMILES files: give --out FILE.csv, .sdf or .jsonl", errUsage)
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := predictio.Open(f, inF, *smilesCol)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", errUsage, *in, err)
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
	svc := activelearning.New(st, nil, activelearning.Config{}, nil)
	p, err := svc.Predictor(ctx, actor, *model, *version)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".predict-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // gone after the rename; removes a failed run
	w, err := predictio.NewWriter(tmp, outF, r.Header())
	if err != nil {
		tmp.Close()
		return err
	}
	rows, failed, err := predictio.Run(ctx, p, r, w)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("predict %s after %d rows: %w", *in, rows, err)
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	m := p.Model()
	fmt.Fprintf(stderr, "predict: %d rows scored with %s version %d (%d with an error) written to %s\n",
		rows, m.Name, m.Version, failed, *out)
	return nil
}

// pickFormat is the named format, else the one of path's extension.
func pickFormat(name, path string) (predictio.Format, error) {
	if name != "" {
		f, err := predictio.ParseFormat(name)
		if err != nil {
			return "", fmt.Errorf("%w: %v", errUsage, err)
		}
		return f, nil
	}
	f, err := predictio.FormatFromPath(path)
	if err != nil {
		return "", fmt.Errorf("%w: %v", errUsage, err)
	}
	return f, nil
}
