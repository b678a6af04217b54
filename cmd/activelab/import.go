package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"activelab/activelearning"
	"activelab/activelearning/ingest"
	"activelab/store"
)

func init() {
	register("import", command{
		Summary: "import compounds (and measured values) from CSV, XLSX or SDF (.gz too): 'import --file F [--set NAME] [--endpoint logS=LOGS_COL,pIC50=PIC50]'",
		Run: func(ctx context.Context, args []string) error {
			return runImport(ctx, args, os.Stdout, os.Stderr)
		},
	})
}

// importErrorsShown caps the bad rows the import summary lists.
const importErrorsShown = 20

// importFlags are the flags of `activelab import`.
type importFlags struct {
	dbURL, user                      string
	file, format, set                string
	endpoint, valueColumn            string
	smilesColumn, nameColumn, source string
	separator, sheet                 string
	decimalComma                     bool
	classes                          string
	staleAfter                       time.Duration
	// endpoints is the parsed mapping (--endpoint, or --endpoint with
	// --value-column).
	endpoints []ingest.EndpointColumn
}

// parseEndpoints turns --endpoint and --value-column into the mapping of
// endpoints to columns: "logS=LOGS_COL,pIC50=PIC50" maps several; a lone
// name is one endpoint read from --value-column, by default the column
// "value" (as before mappings existed).
func (f *importFlags) parseEndpoints() error {
	if f.endpoint == "" {
		if f.valueColumn != "" {
			return fmt.Errorf("%w: --value-column needs --endpoint (what the values measure)", errUsage)
		}
		return nil
	}
	if strings.ContainsAny(f.endpoint, "=,") {
		if f.valueColumn != "" {
			return fmt.Errorf("%w: --value-column goes with a single --endpoint name, not a mapping (%s)", errUsage, f.endpoint)
		}
		eps, err := ingest.ParseEndpoints(f.endpoint)
		if err != nil {
			return fmt.Errorf("%w: --endpoint: %v", errUsage, err)
		}
		f.endpoints = eps
		return nil
	}
	if f.valueColumn == "" {
		f.valueColumn = "value"
	}
	f.endpoints = []ingest.EndpointColumn{{Endpoint: strings.TrimSpace(f.endpoint), Column: f.valueColumn}}
	return nil
}

// endpointNames lists the mapped endpoints for the summary.
func (f *importFlags) endpointNames() string {
	names := make([]string, len(f.endpoints))
	for i, e := range f.endpoints {
		names[i] = e.Endpoint
	}
	return strings.Join(names, ", ")
}

// errAllRejected is returned when an import rejected every row of its file.
var errAllRejected = errors.New("every row was rejected")

// runImport reads a CSV or SDF file and imports its compounds through the
// service into the database the server uses, in chunks the service stores
// inline (so progress can be shown), and prints a summary.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f importFlags
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	conf := bindSettings(fs, "import")
	fs.StringVar(&f.user, "user", "", "email of the importing user (a scientist or admin; default: the first admin)")
	fs.StringVar(&f.file, "file", "", "the CSV, XLSX or SDF file, optionally gzip-compressed (required)")
	fs.StringVar(&f.format, "format", "", "csv, xlsx or sdf (default: from the file's extension, looking through .gz)")
	fs.StringVar(&f.set, "set", "", "compound set (pool) to add the compounds to; created when missing")
	fs.StringVar(&f.endpoint, "endpoint", "", "endpoints and the columns (CSV, XLSX) or data items (SDF) with their values: logS=LOGS_COL,pIC50=PIC50; a lone name reads --value-column. Qualified values (<0.1, >=10, ~3) are kept with their qualifier")
	fs.StringVar(&f.valueColumn, "value-column", "", "with a single --endpoint name: the column or data item with its values (default \"value\")")
	fs.StringVar(&f.separator, "separator", "", "CSV field separator: ',', ';' or 'tab' (default: detected from the header)")
	fs.BoolVar(&f.decimalComma, "decimal-comma", false, "read values with a decimal comma (1,5 = 1.5)")
	fs.StringVar(&f.classes, "classes", "", "class names of a classification endpoint, in index order (low,medium,high): values are class names or indexes, stored as the index")
	fs.StringVar(&f.sheet, "sheet", "", "XLSX sheet to read (default: the first)")
	fs.StringVar(&f.smilesColumn, "smiles-column", "smiles", "CSV column with the SMILES (case-insensitive)")
	fs.StringVar(&f.nameColumn, "name-column", "", "column or data item with the name (default: CSV \"name\" or \"id\"; SDF the title line)")
	fs.StringVar(&f.source, "source", string(store.SourceExperimental), "source of the values: experimental, literature or expert_estimate")
	fs.Usage = conf.Usage(fs, "activelab import --file F [flags]")
	if err := parseFlags(fs, args, conf); err != nil {
		return err
	}
	f.dbURL = conf.String("DatabaseURL")
	// An unfinished import of the same file and options that has shown no
	// progress for this long is resumed (rows already applied are skipped).
	f.staleAfter = conf.Duration("ImportStaleAfter")
	if f.file == "" {
		return fmt.Errorf("%w: --file is required", errUsage)
	}
	var format ingest.Format
	var err error
	if f.format != "" {
		format, err = ingest.ParseFormat(f.format)
	} else {
		format, err = ingest.FormatFromPath(f.file)
	}
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if err := f.parseEndpoints(); err != nil {
		return err
	}
	var sep rune
	switch f.separator {
	case "":
	case "tab", "\\t", "\t":
		sep = '\t'
	case ",", ";":
		sep = rune(f.separator[0])
	default:
		return fmt.Errorf("%w: --separator %q: want ',', ';' or 'tab'", errUsage, f.separator)
	}
	if !store.Source(f.source).Valid() {
		return fmt.Errorf("%w: --source %q is not experimental, literature or expert_estimate", errUsage, f.source)
	}

	file, err := os.Open(f.file)
	if err != nil {
		return err
	}
	defer file.Close()
	var size int64
	if fi, err := file.Stat(); err == nil {
		size = fi.Size()
	}
	counter := &countingReader{r: file}
	r, err := ingest.Open(counter, format, ingest.Options{SMILESColumn: f.smilesColumn, NameColumn: f.nameColumn,
		Endpoints: f.endpoints, Qualified: true, DecimalComma: f.decimalComma, Separator: sep, Sheet: f.sheet, Classes: splitClasses(f.classes)})
	if err != nil {
		return fmt.Errorf("%s: %w", f.file, err)
	}

	digest, err := importDigest(f)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, f.dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	actor, err := commandActor(ctx, st, f.user)
	if err != nil {
		return err
	}
	svc := activelearning.New(st, nil, activelearning.Config{ImportStaleAfter: f.staleAfter}, nil)
	imp, resumed, err := svc.BeginImport(ctx, actor, activelearning.ImportStart{SetName: f.set, File: f.file, Digest: digest})
	if err != nil {
		return err
	}
	skip := imp.RowsDone
	if resumed {
		fmt.Fprintf(stderr, "import: resuming import %s (attempt %d): its first %d rows, through row %d, were applied before it stopped\n",
			imp.ID, imp.Attempts, imp.RowsDone, imp.LastRow)
	}

	chunk := svc.Config().InlineImportLimit
	in := activelearning.ImportInput{SetName: f.set, Source: store.Source(f.source), File: f.file}
	read := 0 // rows (good or rejected) read from the file
	end := func(cause error) error {
		rep, err := svc.EndImport(ctx, imp.ID, cause)
		if err != nil {
			return err
		}
		printImportReport(stdout, f, rep, cause != nil)
		if cause != nil {
			return fmt.Errorf("%s: %w (import %s stopped after row %d; run the same command again to resume it)", f.file, cause, imp.ID, rep.LastRow)
		}
		if rep.Rows > 0 && len(rep.Errors)+rep.ErrorsNotListed == rep.Rows {
			return fmt.Errorf("%s: %w (%d of %d)", f.file, errAllRejected, rep.Rows, rep.Rows)
		}
		return nil
	}
	flush := func() error {
		if len(in.Rows) == 0 && len(in.Errors) == 0 {
			return nil
		}
		if err := svc.ContinueImport(ctx, actor, imp.ID, in); err != nil {
			return err
		}
		in.Rows, in.Errors = in.Rows[:0], in.Errors[:0]
		if size > 0 && (read > chunk || counter.n < size) {
			fmt.Fprintf(stderr, "import: %d rows stored (%.0f%% of %s read)\n", read, 100*float64(counter.n)/float64(size), f.file)
		}
		return nil
	}
	for {
		row, err := r.Next()
		var re *ingest.RowError
		switch {
		case err == nil, errors.As(err, &re):
			read++
			if read <= skip {
				continue // applied by the run that was interrupted
			}
			if err == nil {
				in.Rows = append(in.Rows, row)
			} else {
				in.Errors = append(in.Errors, *re)
			}
		case errors.Is(err, io.EOF):
			if read < skip {
				return end(fmt.Errorf("the file has %d rows, but %d were applied from it before: it changed", read, skip))
			}
			if err := flush(); err != nil {
				return end(err)
			}
			return end(nil)
		case errors.As(err, new(*ingest.ColumnError)):
			// An SDF without the data item asked for: as for a CSV
			// without the column, an error; rows not yet stored are not.
			return end(err)
		default:
			// The file broke off: keep what was read, then say so.
			if ferr := flush(); ferr != nil {
				return end(ferr)
			}
			return end(err)
		}
		if len(in.Rows)+len(in.Errors) >= chunk {
			if err := flush(); err != nil {
				return end(err)
			}
		}
	}
}

// importDigest identifies the file's content and the options that shape
// the import, so that running the same command again after a crash
// resumes the import instead of starting anew.
func importDigest(f importFlags) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "activelab import v1\x00%s\x00%s\x00%v\x00%s\x00%s\x00%s\x00%s\x00%s\x00%v\x00", f.format, f.set,
		f.endpoints, f.smilesColumn, f.nameColumn, f.source, f.separator, f.sheet, f.decimalComma)
	if f.classes != "" {
		fmt.Fprintf(h, "classes\x00%q\x00", splitClasses(f.classes))
	}
	file, err := os.Open(f.file)
	if err != nil {
		return "", err
	}
	defer file.Close()
	if _, err := io.Copy(h, file); err != nil {
		return "", fmt.Errorf("%s: %w", f.file, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// printImportReport prints the summary and the first bad rows; partial
// says the import stopped before the end of the file.
func printImportReport(w io.Writer, f importFlags, rep *activelearning.ImportReport, partial bool) {
	fmt.Fprintf(w, "file:         %s\n", f.file)
	state := "complete"
	if partial {
		state = "stopped: the rows after the last one counted here were not applied"
	}
	fmt.Fprintf(w, "import:       %s (%s)\n", rep.ImportID, state)
	if f.set != "" {
		fmt.Fprintf(w, "set:          %s (id %s)\n", f.set, rep.SetID)
	}
	fmt.Fprintf(w, "rows:         %d\n", rep.Rows)
	fmt.Fprintf(w, "created:      %d\n", rep.Created)
	fmt.Fprintf(w, "existing:     %d\n", rep.Existing)
	if len(f.endpoints) > 0 {
		fmt.Fprintf(w, "measurements: %d (%s)\n", rep.Measurements, f.endpointNames())
	} else {
		fmt.Fprintf(w, "measurements: %d\n", rep.Measurements)
	}
	fmt.Fprintf(w, "errors:       %d\n", len(rep.Errors)+rep.ErrorsNotListed)
	errs := append([]ingest.RowError(nil), rep.Errors...)
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Row < errs[j].Row })
	for i, e := range errs {
		if i == importErrorsShown {
			fmt.Fprintf(w, "  ... and %d more\n", len(errs)-importErrorsShown)
			break
		}
		col := e.Column
		if col == "" {
			col = "-"
		}
		at := ""
		if e.Offset > 0 || strings.Contains(strings.ToLower(col), "smiles") {
			at = fmt.Sprintf(" (offset %d)", e.Offset)
		}
		fmt.Fprintf(w, "  row %d, column %s: %s%s\n", e.Row, col, e.Reason, at)
	}
}

// commandActor is the user a command acts as: the one with this email, or
// else the first admin.
func commandActor(ctx context.Context, st *store.Store, email string) (*store.User, error) {
	if email != "" {
		u, err := st.UserByEmail(ctx, email)
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%w: no user with email %q", errUsage, email)
		}
		return u, err
	}
	users, err := st.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if u.Role == store.RoleAdmin && u.DisabledAt == nil {
			return u, nil
		}
	}
	return nil, errors.New("no admin user to act as: give --user EMAIL, or create one (activelab user create, or start the server once for the demo admin)")
}

// countingReader counts the bytes read, for progress.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// splitClasses reads --classes "low,medium,high" (nil when empty).
func splitClasses(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []string
	for c := range strings.SplitSeq(s, ",") {
		out = append(out, strings.TrimSpace(c))
	}
	return out
}
