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
	"strings"
	"time"

	"activelab/activelearning"
	"activelab/store"
)

func init() {
	register("export", command{
		Summary: "export measurements or a model's scored pool: 'export --endpoint E [--set NAME] [--out FILE]' or 'export --model ID|NAME [--version N] [--set NAME] [--format csv|sdf] [--out FILE]'",
		Run: func(ctx context.Context, args []string) error {
			return runExport(ctx, args, os.Stdout, os.Stderr)
		},
	})
}

// runExport writes every measurement of an endpoint (imports, labels and
// manual values; --endpoint) or a model's pool with its predictions
// (--model: activelearning.ExportPool, CSV or SDF) to --out or standard
// output. A file is written next to its final name and renamed when
// complete, so a failed export leaves no half-written file. A pool export
// shows its progress on standard error when that is a terminal.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	conf := bindSettings(fs, "export")
	endpoint := fs.String("endpoint", "", "export this endpoint's measurements as CSV, e.g. logS")
	model := fs.String("model", "", "export the pool scored by this model (its id or name)")
	version := fs.Int("version", 0, "with --model: the version that scores (default: the active one)")
	format := fs.String("format", "", "with --model: csv or sdf (default: from --out's extension, else csv)")
	setName := fs.String("set", "", "only compounds of this compound set")
	out := fs.String("out", "", "file to write (default: standard output)")
	user := fs.String("user", "", "email of the exporting user (default: the first admin)")
	fs.Usage = conf.Usage(fs, "activelab export (--endpoint E | --model ID|NAME [--version N] [--format csv|sdf]) [--set NAME] [--out FILE]")
	if err := parseFlags(fs, args, conf); err != nil {
		return err
	}
	switch {
	case *endpoint == "" && *model == "":
		return fmt.Errorf("%w: give --endpoint (measurements) or --model (a scored pool)", errUsage)
	case *endpoint != "" && *model != "":
		return fmt.Errorf("%w: give --endpoint or --model, not both", errUsage)
	case *model == "" && (*format != "" || *version != 0):
		return fmt.Errorf("%w: --format and --version go with --model", errUsage)
	case *version < 0:
		return fmt.Errorf("%w: --version %d is not a version number", errUsage, *version)
	}
	var pf activelearning.PoolFormat
	if *model != "" {
		name := *format
		if name == "" {
			name = "csv"
			if ext := strings.ToLower(filepath.Ext(*out)); ext == ".sdf" || ext == ".sd" {
				name = "sdf"
			}
		}
		var err error
		if pf, err = activelearning.ParsePoolFormat(name); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
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
	var write func(w io.Writer) (int, error)
	var what string
	if *model != "" {
		prog := newProgress(stderr)
		defer prog.done()
		in := activelearning.PoolExport{Model: *model, Version: *version, SetID: setID, Format: pf, Progress: prog.report}
		write = func(w io.Writer) (int, error) { return svc.ExportPool(ctx, actor, in, w) }
		what = fmt.Sprintf("compounds scored by %s (%s)", *model, pf)
	} else {
		write = func(w io.Writer) (int, error) { return svc.ExportMeasurements(ctx, actor, *endpoint, setID, w) }
		what = "measurements of " + *endpoint
	}
	n, err := writeExport(*out, stdout, write)
	if err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintf(stderr, "export: %d %s\n", n, what)
	} else {
		fmt.Fprintf(stderr, "export: %d %s written to %s\n", n, what, *out)
	}
	return nil
}

// writeExport runs write into standard output (out == "") or into a
// temporary file beside out, renamed to out when write succeeded.
func writeExport(out string, stdout io.Writer, write func(io.Writer) (int, error)) (int, error) {
	if out == "" {
		w := bufio.NewWriter(stdout)
		n, err := write(w)
		if err == nil {
			err = w.Flush()
		}
		return n, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".export-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name()) // gone after the rename; removes a failed export
	w := bufio.NewWriter(tmp)
	n, err := write(w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, err
	}
	return n, os.Rename(tmp.Name(), out)
}

// progress shows a long export's progress on a terminal, one line
// rewritten at most every progressEvery; on anything else it is silent.
type progress struct {
	w       io.Writer // nil: not a terminal
	last    time.Time
	printed bool
}

// progressEvery is how often the progress line is rewritten.
const progressEvery = 200 * time.Millisecond

func newProgress(stderr io.Writer) *progress {
	if f, ok := stderr.(*os.File); ok && isTerminal(f) {
		return &progress{w: stderr}
	}
	return &progress{}
}

// report is activelearning.PoolExport's Progress.
func (p *progress) report(done, total int) {
	if p.w == nil || (done < total && time.Since(p.last) < progressEvery) {
		return
	}
	p.last = time.Now()
	p.printed = true
	fmt.Fprintf(p.w, "\r\x1b[Kexport: %d of %d compounds (%d%%)", done, total, 100*done/max(total, 1))
}

// done ends the progress line, if one was shown.
func (p *progress) done() {
	if p.printed {
		fmt.Fprintln(p.w)
		p.printed = false
	}
}
