package activelearning_test

import (
	"bytes"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"activelab/activelearning"
	"activelab/activelearning/ingest"
	"activelab/store"
	"activelab/store/storetest"
)

// readFile reads a file with ingest as an import would.
func readFile(t *testing.T, data []byte, format ingest.Format, endpoints string) ([]ingest.Row, []ingest.RowError) {
	t.Helper()
	eps, err := ingest.ParseEndpoints(endpoints)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ingest.Open(bytes.NewReader(data), format, ingest.Options{Endpoints: eps, Qualified: true})
	if err != nil {
		t.Fatal(err)
	}
	rows, bad, err := ingest.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return rows, bad
}

// measured returns the compound's measurements of the endpoints as
// "endpoint qualifier value" (the environment's seed has measured some
// compounds already).
func measured(t *testing.T, e *env, smiles string, endpoints ...string) []string {
	t.Helper()
	c, err := e.st.CompoundBySMILES(e.ctx, mustCanon(t, smiles))
	if err != nil {
		t.Fatalf("%s: %v", smiles, err)
	}
	ms, err := e.st.MeasurementsByCompound(e.ctx, c.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		if !slices.Contains(endpoints, m.Endpoint) {
			continue
		}
		out = append(out, m.Endpoint+" "+string(m.Qualifier)+strconv.FormatFloat(m.Value, 'g', -1, 64))
	}
	slices.Sort(out)
	return out
}

// TestImportMultiPropertySDF imports multi.sdf (six ESOL molecules written
// by RDKit 2022.09 with the data items ID, logS, MolWt and MolLogP, the
// fifth without MolLogP): three data items become three endpoints, every
// data item stays on its compound, and importing again adds nothing.
func TestImportMultiPropertySDF(t *testing.T) {
	data, err := os.ReadFile("ingest/testdata/multi.sdf.gz") // gzip: the reader looks through it
	if err != nil {
		t.Fatal(err)
	}
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{})
		rows, bad := readFile(t, data, ingest.FormatSDF, "sol=logS,mw=MolWt,clogp=MolLogP")
		if len(rows) != 6 || len(bad) != 0 {
			t.Fatalf("read %d rows, %v", len(rows), bad)
		}
		in := activelearning.ImportInput{SetName: "multi", Rows: rows}
		rep, err := e.svc.ImportCompounds(e.ctx, e.sci, in)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created+rep.Existing != 6 || rep.Measurements != 6+6+5 || len(rep.Errors) != 0 {
			t.Fatalf("report %+v, want 6 compounds and 17 measurements", rep)
		}
		// Amigdalin, the first record: values as RDKit wrote them.
		want := []string{"clogp -3.108", "mw 457.432", "sol -0.77"}
		if got := measured(t, e, rows[0].SMILES, "sol", "mw", "clogp"); !slices.Equal(got, want) {
			t.Errorf("Amigdalin's measurements = %v, want %v", got, want)
		}
		c, _ := e.st.CompoundBySMILES(e.ctx, mustCanon(t, rows[0].SMILES))
		for name, v := range map[string]string{"ID": "ESOL-1", "logS": "-0.77", "MolWt": "457.432"} {
			if got, ok := c.Properties.Get(name); !ok || got != v {
				t.Errorf("property %s = %q, %v; want %q", name, got, ok, v)
			}
		}
		before := e.snapshot(t)
		rep2, err := e.svc.ImportCompounds(e.ctx, e.sci, in)
		if err != nil || rep2.Created != 0 || rep2.Measurements != 0 {
			t.Fatalf("second import: %+v %v", rep2, err)
		}
		if after := e.snapshot(t); strip(after) != strip(before) {
			t.Errorf("importing twice changed data:\n%s\n%s", before, after)
		}
	})
}

// TestImportCensoredValues checks that qualified values are stored with
// their qualifier (not dropped, not read as exact), are idempotent per
// qualifier, and that training data leaves the bounds out.
func TestImportCensoredValues(t *testing.T) {
	csv := "smiles;ID;IC50;logS\n" +
		"CCO;A-1;<0,1;-0,77\n" + // bound and exact, decimal commas
		"CCCO;A-2;>= 10;~-1,5\n" +
		"CCCCO;A-3;5;\n" + // no logS: that endpoint left out
		"CCCCCO;A-4;>x;1\n" // not a number: the row is rejected
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{})
		eps, _ := ingest.ParseEndpoints("ic50=IC50,logS")
		r, err := ingest.Open(strings.NewReader(csv), ingest.FormatCSV, ingest.Options{Endpoints: eps, Qualified: true, DecimalComma: true})
		if err != nil {
			t.Fatal(err)
		}
		rows, bad, err := ingest.ReadAll(r)
		if err != nil || len(rows) != 3 || len(bad) != 1 {
			t.Fatalf("read %d rows, %v, %v", len(rows), bad, err)
		}
		in := activelearning.ImportInput{Rows: rows, Errors: bad}
		rep, err := e.svc.ImportCompounds(e.ctx, e.sci, in)
		if err != nil || rep.Measurements != 5 || len(rep.Errors) != 1 || rep.Errors[0].Row != 4 {
			t.Fatalf("report %+v, %v; want 5 measurements and row 4 rejected", rep, err)
		}
		for smi, want := range map[string][]string{
			"CCO":   {"ic50 <0.1", "logS -0.77"},
			"CCCO":  {"ic50 >=10", "logS ~-1.5"},
			"CCCCO": {"ic50 5"},
		} {
			if got := measured(t, e, smi, "ic50", "logS"); !slices.Equal(got, want) {
				t.Errorf("%s: measurements %v, want %v", smi, got, want)
			}
		}
		if rep2, err := e.svc.ImportCompounds(e.ctx, e.sci, in); err != nil || rep2.Measurements != 0 {
			t.Errorf("second import: %+v, %v; want no new measurement", rep2, err)
		}
		train, err := e.st.MeasurementsByEndpoint(e.ctx, "ic50", store.MeasurementQuery{})
		if err != nil || len(train) != 1 || train[0].Value != 5 {
			t.Errorf("ic50 training data = %v, %v; want only the exact 5", train, err)
		}
	})
}

// TestImportXLSX imports a workbook written with excelize: values of two
// endpoints and an ID column kept on the compound.
func TestImportXLSX(t *testing.T) {
	f := excelize.NewFile()
	for i, row := range [][]any{
		{"Compound ID", "SMILES", "xlogS", "pIC50"},
		{"X-1", "c1ccccc1O", -0.04, 5.2},
		{"X-2", "c1ccccc1N", -0.41, "<4"},
		{"X-3", "C1CC(", 1, 2},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{})
		rows, bad := readFile(t, buf.Bytes(), ingest.FormatXLSX, "xlogS,pIC50")
		rep, err := e.svc.ImportCompounds(e.ctx, e.sci, activelearning.ImportInput{SetName: "sheet", Rows: rows, Errors: bad})
		if err != nil || rep.Created+rep.Existing != 2 || rep.Measurements != 4 || len(rep.Errors) != 1 || rep.Errors[0].Row != 3 {
			t.Fatalf("report %+v, %v; want 2 compounds, 4 measurements, row 3 rejected", rep, err)
		}
		if got, want := measured(t, e, "Nc1ccccc1", "xlogS", "pIC50"), []string{"pIC50 <4", "xlogS -0.41"}; !slices.Equal(got, want) {
			t.Errorf("aniline: %v, want %v", got, want)
		}
		c, _ := e.st.CompoundBySMILES(e.ctx, mustCanon(t, "Oc1ccccc1"))
		if id, _ := c.Properties.Get("compound id"); id != "X-1" {
			t.Errorf("phenol's properties %v, want Compound ID X-1", c.Properties)
		}
		if _, ok := c.Properties.Get("SMILES"); ok {
			t.Errorf("phenol's properties %v repeat the SMILES column", c.Properties)
		}
	})
}

// TestBackgroundImportKeepsTheData runs the multi-property SDF as an
// import_compounds job (over InlineImportLimit): endpoints, qualifiers and
// properties survive the job's JSON payload.
func TestBackgroundImportKeepsTheData(t *testing.T) {
	data, err := os.ReadFile("ingest/testdata/multi.sdf.gz")
	if err != nil {
		t.Fatal(err)
	}
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{InlineImportLimit: 2})
		rows, _ := readFile(t, data, ingest.FormatSDF, "sol=logS,mw=MolWt,clogp=MolLogP")
		rows[1].Values[0].Qualifier = ingest.LessThan // as if the file said "<-3.3"
		rep, err := e.svc.ImportCompounds(e.ctx, e.sci, activelearning.ImportInput{SetName: "bg", Rows: rows})
		if err != nil || rep.JobID == 0 {
			t.Fatalf("report %+v, %v; want a job", rep, err)
		}
		if err := e.jobs.Run(e.ctx, e.svc); err != nil {
			t.Fatal(err)
		}
		if got, want := measured(t, e, rows[1].SMILES, "sol"), []string{"sol <-3.3"}; !slices.Equal(got, want) {
			t.Errorf("Fenfuram after the job: %v, want %v", got, want)
		}
		c, _ := e.st.CompoundBySMILES(e.ctx, mustCanon(t, rows[1].SMILES))
		if id, _ := c.Properties.Get("ID"); id != "ESOL-2" {
			t.Errorf("Fenfuram's properties after the job: %v", c.Properties)
		}
	})
}
