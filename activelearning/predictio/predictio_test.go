package predictio_test

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"activelab/activelearning"
	"activelab/activelearning/altest"
	"activelab/activelearning/ingest"
	"activelab/activelearning/predictio"
	"activelab/chem"
	"activelab/chem/rdkittest"
	"activelab/jobs"
	"activelab/store"
	"activelab/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// trained returns a predictor of a small regression model trained on 40
// ESOL compounds.
func trained(t testing.TB, open storetest.Opener) *activelearning.Predictor {
	t.Helper()
	ctx := t.Context()
	st := open(t)
	rec := &jobs.Recorder{}
	svc := activelearning.New(st, nil, activelearning.Config{}, nil)
	svc.SetJobs(rec)
	admin := storetest.User(ctx, t, st, &store.User{Role: store.RoleAdmin})
	data := altest.ESOL160()
	in := activelearning.ImportInput{SetName: "train", Endpoint: "logS"}
	for i := range 40 {
		v := data[i].Value
		in.Rows = append(in.Rows, ingest.Row{Line: i + 1, SMILES: data[i].SMILES, Name: data[i].Name, Value: &v})
	}
	rep, err := svc.ImportCompounds(ctx, admin, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateModel(ctx, admin, activelearning.CreateModelInput{Name: "esol", Endpoint: "logS",
		Task: store.TaskRegression, Members: 8, TrainingSetID: rep.SetID,
		Split: activelearning.SplitInput{Kind: "random", Fraction: 0.25, Seed: 7}}); err != nil {
		t.Fatal(err)
	}
	if err := rec.Run(ctx, svc); err != nil {
		t.Fatal(err)
	}
	p, err := svc.Predictor(ctx, admin, "esol", 0)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func eachBackend(t *testing.T, fn func(t *testing.T, open storetest.Opener)) {
	for name, open := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) { fn(t, open) })
	}
}

func run(t *testing.T, p *activelearning.Predictor, in []byte, from, to predictio.Format) []byte {
	t.Helper()
	r, err := predictio.Open(bytes.NewReader(in), from, "")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w, err := predictio.NewWriter(&out, to, r.Header())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := predictio.Run(t.Context(), p, r, w); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// A semicolon-separated, gzipped CSV comes back with its ID columns, in
// order, a bad row included (with its error), the rest scored.
func TestCSVRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		p := trained(t, open)
		in := "Compound ID;SMILES;batch\nAL-1;CCO;b1\nAL-2;C1CC;b1\nAL-3;c1ccccc1O;b2\nAL-4;;b2\n"
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write([]byte(in))
		zw.Close()
		out := run(t, p, gz.Bytes(), predictio.CSV, predictio.CSV)
		rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		hdr := append([]string{"Compound ID", "SMILES", "batch"}, predictio.Columns...)
		if strings.Join(rows[0], ",") != strings.Join(hdr, ",") || len(rows) != 5 {
			t.Fatalf("header %q, %d rows:\n%s", rows[0], len(rows), out)
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		for i, want := range []struct{ id, bad string }{{"AL-1", ""}, {"AL-2", "C1CC"}, {"AL-3", ""}, {"AL-4", "empty"}} {
			row := rows[i+1]
			if row[0] != want.id || row[col["model_version"]] != "1" {
				t.Errorf("row %d: %q", i+1, row)
			}
			if (row[col["error"]] != "") != (want.bad != "") || (want.bad != "") != (row[col["prediction"]] == "") {
				t.Errorf("row %d: error %q, prediction %q", i+1, row[col["error"]], row[col["prediction"]])
			}
			if want.bad != "" {
				continue
			}
			lo, err1 := strconv.ParseFloat(row[col["interval_low"]], 64)
			hi, err2 := strconv.ParseFloat(row[col["interval_high"]], 64)
			pred, err3 := strconv.ParseFloat(row[col["prediction"]], 64)
			if err1 != nil || err2 != nil || err3 != nil || !(lo <= pred && pred <= hi) || row[col["interval_level"]] != "0.9" {
				t.Errorf("row %d: interval [%q, %q] at %q around %q", i+1, row[col["interval_low"]], row[col["interval_high"]],
					row[col["interval_level"]], row[col["prediction"]])
			}
			sim, err1 := strconv.ParseFloat(row[col["nearest_similarity"]], 64)
			dist, err2 := strconv.ParseFloat(row[col["applicability_distance"]], 64)
			if err1 != nil || err2 != nil || sim+dist < 0.999999 || sim+dist > 1.000001 || row[col["nearest_smiles"]] == "" {
				t.Errorf("row %d: similarity %q distance %q nearest %q", i+1, row[col["nearest_similarity"]],
					row[col["applicability_distance"]], row[col["nearest_smiles"]])
			}
		}
	})
}

const sdfIn = `ethanol
  test

  3  2  0  0  0  0  0  0  0  0999 V2000
    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    1.5000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    3.0000    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0
  1  2  1  0
  2  3  1  0
M  END
> <CORP_ID>
CORP-0001

> <assay>
line one
line two

$$$$
broken
  test

  1  0  0  0  0  0  0  0  0  0999 V2000
    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
> <CORP_ID>
CORP-0002

$$$$
phenol
  test

  7  7  0  0  0  0  0  0  0  0999 V2000
    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    0.0000    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0
  1  2  2  0
  2  3  1  0
  3  4  2  0
  4  5  1  0
  5  6  2  0
  6  1  1  0
  1  7  1  0
M  END
> <CORP_ID>
CORP-0003

$$$$
`

// An SDF comes back with every molblock and data item, plus the result
// items; our own SDF reader reads it back, and a bad record keeps its
// place with its error.
func TestSDFRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		p := trained(t, open)
		out := run(t, p, []byte(sdfIn), predictio.SDF, predictio.SDF)
		if !strings.Contains(string(out), "  1  2  1  0\n  2  3  1  0\nM  END\n> <CORP_ID>\nCORP-0001\n\n> <assay>\nline one\nline two\n\n> <prediction>\n") {
			t.Errorf("molblock or data items not carried through:\n%s", out)
		}
		r, err := predictio.Open(bytes.NewReader(out), predictio.SDF, "")
		if err != nil {
			t.Fatal(err)
		}
		var got []*predictio.Record
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, rec)
		}
		if len(got) != 3 {
			t.Fatalf("%d records back:\n%s", len(got), out)
		}
		for i, rec := range got {
			id, _ := field(rec, "CORP_ID")
			_, hasPred := field(rec, "prediction")
			errMsg, _ := field(rec, "error")
			if id != fmt.Sprintf("CORP-%04d", i+1) || hasPred == (i == 1) || (errMsg != "") != (i == 1) {
				t.Errorf("record %d: %+v", i+1, rec.Fields)
			}
		}
		// The import reader reads the good records, all data items kept.
		ir, err := ingest.Open(bytes.NewReader(out), ingest.FormatSDF, ingest.Options{ValueColumn: "prediction"})
		if err != nil {
			t.Fatal(err)
		}
		rows, bad, err := ingest.ReadAll(ir)
		if err != nil || len(rows) != 2 || len(bad) != 1 || rows[0].Value == nil || rows[1].SMILES != "Oc1ccccc1" {
			t.Errorf("ingest read back %d rows, %d bad (%v): %+v", len(rows), len(bad), err, rows)
		}
		// CSV and JSON lines out of an SDF.
		c, err := csv.NewReader(bytes.NewReader(run(t, p, []byte(sdfIn), predictio.SDF, predictio.CSV))).ReadAll()
		if err != nil || len(c) != 4 || c[0][1] != "CORP_ID" || c[3][1] != "CORP-0003" || c[2][len(c[2])-1] == "" {
			t.Errorf("SDF to CSV: %q %v", c, err)
		}
		lines := strings.Split(strings.TrimSpace(string(run(t, p, []byte(sdfIn), predictio.SDF, predictio.JSONL))), "\n")
		var first struct {
			Line   int
			Fields map[string]string
			Result map[string]any
		}
		if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || len(lines) != 3 || first.Fields["CORP_ID"] != "CORP-0001" {
			t.Errorf("JSON lines: %v\n%s", err, lines)
		}
		if _, ok := first.Result["prediction"].(float64); !ok {
			t.Errorf("JSON prediction: %v", first.Result)
		}
	})
}

func field(r *predictio.Record, name string) (string, bool) {
	for _, f := range r.Fields {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}

// A CSV scored into an SDF: each good row's molfile is its structure
// (chem.MolBlock: stereocentres as atom parities, no coordinates), which
// the import reader and, where installed, RDKit read back into the row's
// SMILES, double-bond geometry aside; a row that does not parse keeps its
// place with an empty molfile and its error. Every column is a data item.
func TestCSVToSDF(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		p := trained(t, open)
		in := "id,smiles\nAL-1,N[C@@H](C)C(=O)O\nAL-2,C1CC\nAL-3,C[S@@](=O)c1ccccc1\nAL-4,F/C=C/[C@H](O)CC\nAL-5,[NH4+].[Cl-]\n"
		out := run(t, p, []byte(in), predictio.CSV, predictio.SDF)
		ir, err := ingest.Open(bytes.NewReader(out), ingest.FormatSDF, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		rows, bad, err := ingest.ReadAll(ir)
		if err != nil || len(rows) != 4 || len(bad) != 1 || bad[0].Row != 2 {
			t.Fatalf("read back %d rows, bad %+v, %v:\n%s", len(rows), bad, err, out)
		}
		for _, row := range rows {
			id, _ := row.Field("id")
			smi, _ := row.Field("smiles")
			pred, _ := row.Field("prediction")
			if want := canon(t, strings.NewReplacer("/", "", `\`, "").Replace(smi)); row.SMILES != want || pred == "" {
				t.Errorf("%s: the molfile reads as %s, want %s (prediction %q)", id, row.SMILES, want, pred)
			}
		}
		if !strings.Contains(string(out), "C1CC\n  ActiveLab\n\n  0  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n> <id>\nAL-2\n") {
			t.Errorf("the bad row has no empty molfile with its id:\n%s", out)
		}

		t.Run("rdkit", func(t *testing.T) {
			rdkittest.Require(t)
			const script = `
import sys
from rdkit import Chem, RDLogger
RDLogger.DisableLog('rdApp.*')
for m in Chem.ForwardSDMolSupplier(sys.stdin.buffer):
    if m is None or m.GetNumAtoms() == 0:
        print(m.GetProp("id") if m is not None else None, "empty")
        continue
    Chem.AssignAtomChiralTagsFromMolParity(m)
    Chem.AssignStereochemistry(m, cleanIt=True, force=True)
    want = Chem.MolToSmiles(Chem.MolFromSmiles(m.GetProp("smiles").replace("/", "").replace("\\\\", "")))
    print(m.GetProp("id"), "same" if Chem.MolToSmiles(m) == want else "differs: %s, want %s" % (Chem.MolToSmiles(m), want))
`
			got := strings.TrimSpace(string(rdkittest.Run(t, script, out)))
			if want := "AL-1 same\nAL-2 empty\nAL-3 same\nAL-4 same\nAL-5 same"; got != want {
				t.Errorf("RDKit read:\n%s\nwant:\n%s", got, want)
			}
		})
	})
}

func canon(t *testing.T, smi string) string {
	t.Helper()
	m, err := chem.Parse(smi)
	if err != nil {
		t.Fatalf("%s: %v", smi, err)
	}
	return chem.CanonicalSMILES(m)
}
