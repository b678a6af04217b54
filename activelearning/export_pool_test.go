package activelearning_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"activelab/activelearning"
	"activelab/activelearning/ingest"
	"activelab/chem"
	"activelab/chem/rdkittest"
	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// poolFixture is setup plus the measurements a pool export must carry:
// a label from the queue, a censored value (">-1.5"), an approximate
// value entered after a compound's imported one (so it is the latest),
// and an ID column imported onto three compounds.
type poolFixture struct {
	*env
	labeled, censored, amended store.ID // compound IDs
	ids                        map[store.ID]string
}

func newPoolFixture(t *testing.T, open storetest.Opener) *poolFixture {
	t.Helper()
	e := setup(t, open)
	f := &poolFixture{env: e, ids: map[store.ID]string{}}
	if _, err := e.svc.SelectSamples(e.ctx, e.sci, activelearning.SelectInput{ModelID: e.model.ID, SetID: e.poolSet, Strategy: "uncertainty", BatchSize: 2}); err != nil {
		t.Fatal(err)
	}
	it, err := e.svc.ClaimNextItem(e.ctx, e.sci, e.model.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: it.ID, Value: -3.125,
		Source: store.SourceLiterature, Confidence: store.ConfidenceLow}); err != nil {
		t.Fatal(err)
	}
	f.labeled = it.CompoundID
	pool, err := e.st.CompoundSetMemberIDs(e.ctx, e.poolSet)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range pool {
		if id != f.labeled {
			f.censored = id
			break
		}
	}
	train, err := e.st.CompoundSetMemberIDs(e.ctx, e.trainSet)
	if err != nil {
		t.Fatal(err)
	}
	f.amended = train[0]
	later := e.clock.Now().Add(time.Hour)
	for _, m := range []*store.Measurement{
		{CompoundID: f.censored, Endpoint: "logS", Value: -1.5, Qualifier: store.QualifierGreater, Source: store.SourceExperimental, Origin: store.OriginManual, CreatedAt: later},
		{CompoundID: f.amended, Endpoint: "logS", Value: -2.2, Qualifier: store.QualifierApproximate, Source: store.SourceExperimental, Origin: store.OriginManual, CreatedAt: later},
	} {
		if err := e.st.CreateMeasurement(e.ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	// The scientist's own ID column, imported onto existing compounds.
	cs, err := e.st.LoadCompounds(e.ctx, []store.ID{f.labeled, f.censored, f.amended})
	if err != nil {
		t.Fatal(err)
	}
	in := activelearning.ImportInput{SetName: "corp-ids", Endpoint: "logS"}
	for i, c := range cs {
		id := fmt.Sprintf("AL-%04d", i+1)
		f.ids[c.ID] = id
		in.Rows = append(in.Rows, ingest.Row{Line: i + 1, SMILES: c.CanonicalSMILES,
			Fields: []ingest.Field{{Name: "smiles", Value: c.CanonicalSMILES}, {Name: "Corp_ID", Value: id}}})
	}
	// Stereoisomers ESOL lacks: tetrahedral centres with a hydrogen, with
	// a lone pair, and next to a stereo double bond.
	for i, smi := range stereoCompounds {
		in.Rows = append(in.Rows, ingest.Row{Line: len(cs) + i + 1, SMILES: canonical(t, smi), Fields: []ingest.Field{{Name: "smiles", Value: smi}}})
	}
	rep, err := e.svc.ImportCompounds(e.ctx, e.sci, in)
	if err != nil || rep.Created != len(stereoCompounds) {
		t.Fatalf("import: %+v, %v; want %d new compounds", rep, err, len(stereoCompounds))
	}
	return f
}

// stereoCompounds are the pool fixture's compounds beyond ESOL's rows.
var stereoCompounds = []string{"N[C@@H](C)C(=O)O", "N[C@H](C)C(=O)O", "C[S@](=O)c1ccccc1", "C/C=C/[C@H](O)CC"}

// poolTotal is how many compounds the pool fixture holds.
var poolTotal = trainRows + poolRows + len(stereoCompounds)

func canonical(t *testing.T, smi string) string {
	t.Helper()
	m, err := chem.Parse(smi)
	if err != nil {
		t.Fatalf("%s: %v", smi, err)
	}
	return chem.CanonicalSMILES(m)
}

// latest returns each compound's latest logS measurement as the export
// writes it (qualifier and value).
func (f *poolFixture) latest(t *testing.T) map[string]string {
	t.Helper()
	ms, err := f.st.MeasurementsByEndpoint(f.ctx, "logS", store.MeasurementQuery{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, m := range ms {
		out[fmt.Sprint(m.CompoundID)] = strconv.FormatFloat(m.Value, 'g', -1, 64)
	}
	// MeasurementsByEndpoint leaves censored values out (they do not train).
	out[fmt.Sprint(f.censored)] = ">-1.5"
	out[fmt.Sprint(f.amended)] = "~-2.2"
	return out
}

func column(header []string, name string) int {
	i := slices.Index(header, name)
	if i < 0 {
		panic("no column " + name)
	}
	return i
}

// TestExportPoolCSV: one row per compound of the database (and of a set
// with --set), with the scientist's ID column, the prediction the model
// gives the compound's SMILES (the same numbers as Predictor, the
// interval around it), an applicability verdict and the latest
// measurement with its qualifier; progress reaches the pool's size; bad
// requests are InputErrors before a byte is written.
func TestExportPoolCSV(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		f := newPoolFixture(t, open)
		var buf bytes.Buffer
		var progress [][2]int
		n, err := f.svc.ExportPool(f.ctx, f.view, activelearning.PoolExport{Model: "esol", Format: activelearning.PoolCSV,
			Progress: func(done, total int) { progress = append(progress, [2]int{done, total}) }}, &buf)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatalf("the export is not CSV: %v", err)
		}
		total := poolTotal
		if n != total || len(recs) != total+1 {
			t.Fatalf("%d rows reported, %d read; want %d", n, len(recs)-1, total)
		}
		if len(progress) == 0 || progress[len(progress)-1] != [2]int{total, total} {
			t.Errorf("progress %v, want it to end at %d of %d", progress, total, total)
		}
		h := recs[0]
		// The import's "smiles" column is ours already; Corp_ID sits before the predictions.
		if !slices.Equal(h[:5], []string{"compound_id", "name", "smiles", "input_smiles", "Corp_ID"}) ||
			!slices.Equal(h[5:], activelearning.PoolColumns[4:]) {
			t.Fatalf("header %v", h)
		}
		p, err := f.svc.Predictor(f.ctx, f.view, "esol", 0)
		if err != nil {
			t.Fatal(err)
		}
		smiles := make([]string, total)
		for i, r := range recs[1:] {
			smiles[i] = r[column(h, "smiles")]
		}
		want, err := p.Predict(f.ctx, smiles)
		if err != nil {
			t.Fatal(err)
		}
		latest := f.latest(t)
		levels := map[string]int{}
		for i, r := range recs[1:] {
			id := r[0]
			w := want[i]
			pred, _ := strconv.ParseFloat(r[column(h, "prediction")], 64)
			std, _ := strconv.ParseFloat(r[column(h, "uncertainty")], 64)
			lo, errLo := strconv.ParseFloat(r[column(h, "interval_low")], 64)
			hi, errHi := strconv.ParseFloat(r[column(h, "interval_high")], 64)
			dist, _ := strconv.ParseFloat(r[column(h, "applicability_distance")], 64)
			if w.Err != nil || pred != w.Prediction || std != w.Uncertainty || dist != w.ApplicabilityDistance || r[column(h, "error")] != "" {
				t.Errorf("compound %s: prediction %v ± %v at %v, Predictor gives %v ± %v at %v (%v)", id, pred, std, dist, w.Prediction, w.Uncertainty, w.ApplicabilityDistance, w.Err)
			}
			if r[column(h, "probability")] != "" {
				t.Errorf("compound %s: a regression model's probability %q", id, r[column(h, "probability")])
			}
			if w.HasInterval && (errLo != nil || errHi != nil || lo >= pred || hi <= pred) {
				t.Errorf("compound %s: interval [%q, %q] around %v", id, r[column(h, "interval_low")], r[column(h, "interval_high")], pred)
			}
			level := r[column(h, "applicability")]
			levels[level]++
			if inDomain := r[column(h, "in_domain")]; inDomain != strconv.FormatBool(level == "in") || (level != "in" && level != "edge" && level != "out") {
				t.Errorf("compound %s: applicability %q, in_domain %q", id, level, inDomain)
			}
			if r[column(h, "model")] != "esol" || r[column(h, "model_version")] != "1" || r[column(h, "endpoint")] != "logS" {
				t.Errorf("compound %s: model columns %v", id, r[column(h, "model"):column(h, "endpoint")+1])
			}
			if got := r[column(h, "measurement")]; got != latest[id] {
				t.Errorf("compound %s: measurement %q, want %q", id, got, latest[id])
			}
			if got := r[column(h, "Corp_ID")]; got != f.ids[mustID(t, id)] {
				t.Errorf("compound %s: Corp_ID %q, want %q", id, got, f.ids[mustID(t, id)])
			}
			switch mustID(t, id) {
			case f.labeled:
				if r[column(h, "measurement_origin")] != "label" {
					t.Errorf("the labeled compound's origin is %q", r[column(h, "measurement_origin")])
				}
			case f.amended:
				if r[column(h, "measurement_origin")] != "manual" || r[column(h, "measured_at")] == "" {
					t.Errorf("the amended compound's origin is %q at %q", r[column(h, "measurement_origin")], r[column(h, "measured_at")])
				}
			}
		}
		// Training compounds are at distance 0; most pool compounds are not.
		if levels["in"] == 0 || levels["in"]+levels["edge"]+levels["out"] != total {
			t.Errorf("applicability verdicts %v", levels)
		}

		// A set keeps its members only.
		buf.Reset()
		n, err = f.svc.ExportPool(f.ctx, f.view, activelearning.PoolExport{Model: fmt.Sprint(f.model.ID), Format: activelearning.PoolCSV, SetID: f.trainSet}, &buf)
		if err != nil || n != trainRows {
			t.Fatalf("set export: %d rows, %v; want %d", n, err, trainRows)
		}

		for name, in := range map[string]activelearning.PoolExport{
			"model":   {Model: "no such model", Format: activelearning.PoolCSV},
			"version": {Model: "esol", Version: 9, Format: activelearning.PoolCSV},
			"set":     {Model: "esol", SetID: ident.New(), Format: activelearning.PoolCSV},
			"format":  {Model: "esol", Format: "xlsx"},
		} {
			buf.Reset()
			_, err := f.svc.ExportPool(f.ctx, f.view, in, &buf)
			var ie *activelearning.InputError
			if !errors.As(err, &ie) || ie.Field != name || buf.Len() != 0 {
				t.Errorf("%s: %v (%T) with %d bytes written; want an InputError on %q and nothing written", name, err, err, buf.Len(), name)
			}
		}
		if _, err := f.svc.ExportPool(f.ctx, nil, activelearning.PoolExport{Model: "esol", Format: activelearning.PoolCSV}, &buf); err == nil {
			t.Error("an export without a user was allowed")
		}
	})
}

func mustID(t *testing.T, s string) store.ID {
	t.Helper()
	id, err := ident.Parse(s)
	if err != nil {
		t.Fatalf("compound id %q: %v", s, err)
	}
	return id
}

// TestExportPoolSDFRoundTrip exports the pool as SDF, reads it back with
// the import reader (every record parses, the molfile gives the
// compound's structure, the data items its values), imports it into an
// empty database of the same kind with the measurement item as logS, and
// finds the same compounds (their tetrahedral centres from the atom
// parities; double-bond geometry aside, which a molfile without
// coordinates cannot hold) with the same latest values and qualifiers. Where Debian's RDKit is installed,
// RDKit reads every record too.
func TestExportPoolSDFRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		f := newPoolFixture(t, open)
		var buf bytes.Buffer
		n, err := f.svc.ExportPool(f.ctx, f.view, activelearning.PoolExport{Model: "esol", Format: activelearning.PoolSDF}, &buf)
		if err != nil {
			t.Fatal(err)
		}
		total := poolTotal
		if n != total || strings.Count(buf.String(), "$$$$\n") != total {
			t.Fatalf("%d records reported, %d written; want %d", n, strings.Count(buf.String(), "$$$$\n"), total)
		}
		sdf := buf.String()

		r, err := ingest.Open(strings.NewReader(sdf), ingest.FormatSDF, ingest.Options{
			Endpoints: []ingest.EndpointColumn{{Endpoint: "logS", Column: "measurement"}}, Qualified: true})
		if err != nil {
			t.Fatal(err)
		}
		rows, bad, err := ingest.ReadAll(r)
		if err != nil || len(bad) != 0 || len(rows) != total {
			t.Fatalf("read back %d rows, %d bad (%v), %v; want %d", len(rows), len(bad), bad, err, total)
		}
		latest := f.latest(t)
		// A molfile without coordinates holds tetrahedral centres (atom
		// parities) but no double-bond geometry.
		flat := strings.NewReplacer("/", "", `\`, "")
		flatCanon := func(smi string) string {
			m, err := chem.Parse(flat.Replace(smi))
			if err != nil {
				t.Fatalf("%s: %v", smi, err)
			}
			return chem.CanonicalSMILES(m)
		}
		wantByFlat := map[string]string{} // flat canonical SMILES -> latest measurement
		chiral := 0
		for _, row := range rows {
			id, _ := row.Field("compound_id")
			smi, _ := row.Field("smiles")
			if strings.Contains(row.SMILES, "@") {
				chiral++
			}
			if got, want := flatCanon(row.SMILES), flatCanon(smi); got != want {
				t.Errorf("compound %s: the molfile reads as %s, its smiles item is %s", id, got, want)
			}
			if p, ok := row.Field("prediction"); !ok || p == "" {
				t.Errorf("compound %s has no prediction item", id)
			}
			if cid, _ := row.Field("Corp_ID"); cid != f.ids[mustID(t, id)] {
				t.Errorf("compound %s: Corp_ID %q, want %q", id, cid, f.ids[mustID(t, id)])
			}
			m, _ := row.Field("measurement")
			if m != latest[id] {
				t.Errorf("compound %s: measurement item %q, want %q", id, m, latest[id])
			}
			wantByFlat[flatCanon(smi)] = latest[id]
		}

		if chiral == 0 {
			t.Error("no compound read back with a stereocentre: the atom parities are untested")
		}
		t.Logf("%d of %d compounds read back with tetrahedral centres", chiral, len(rows))

		// Into an empty database, with the project's importer.
		st2 := open(t)
		svc2 := activelearning.New(st2, nil, activelearning.Config{}, nil)
		sci2 := storetest.User(f.ctx, t, st2, &store.User{Role: store.RoleScientist})
		rep, err := svc2.ImportCompounds(f.ctx, sci2, activelearning.ImportInput{SetName: "round-trip", Rows: rows})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created != total || len(rep.Errors) != 0 {
			t.Fatalf("re-import created %d compounds with %d errors (%v); want %d", rep.Created, len(rep.Errors), rep.Errors, total)
		}
		var got []*store.Compound
		if err := st2.EachCompound(f.ctx, store.NilID, 1000, func(cs []*store.Compound) error { got = append(got, cs...); return nil }); err != nil {
			t.Fatal(err)
		}
		ids := make([]store.ID, len(got))
		for i, c := range got {
			ids[i] = c.ID
		}
		ms, err := st2.MeasurementsByCompoundIDs(f.ctx, ids, "logS")
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for i, c := range got {
			want, ok := wantByFlat[flatCanon(c.CanonicalSMILES)]
			if !ok {
				t.Errorf("re-imported %s was not exported", c.CanonicalSMILES)
				continue
			}
			seen++
			have := ""
			if k := len(ms[i]); k > 0 {
				m := ms[i][k-1]
				have = string(m.Qualifier) + strconv.FormatFloat(m.Value, 'g', -1, 64)
			}
			if have != want {
				t.Errorf("re-imported %s: logS %q, exported %q", c.CanonicalSMILES, have, want)
			}
		}
		if seen != total {
			t.Errorf("%d of %d compounds came back", seen, total)
		}

		rdkitReads(t, sdf, total)
	})
}

// rdkitReads checks the export with RDKit (Debian's python3-rdkit, in a
// subtest that skips loudly without it and fails under
// ACTIVELAB_REQUIRE_RDKIT=1): SDMolSupplier reads every record, with its
// compound_id and a numeric prediction, into the molecule of its smiles
// item, tetrahedral centres included (the atom parities, through
// AssignAtomChiralTagsFromMolParity) and double-bond geometry aside (a
// molfile without coordinates cannot hold it).
func rdkitReads(t *testing.T, sdf string, want int) {
	t.Run("rdkit", func(t *testing.T) {
		version := rdkittest.Require(t)
		path := filepath.Join(t.TempDir(), "pool.sdf")
		if err := os.WriteFile(path, []byte(sdf), 0o600); err != nil {
			t.Fatal(err)
		}
		const script = `
import sys
from rdkit import Chem, RDLogger
RDLogger.DisableLog('rdApp.*')
n = 0
for m in Chem.SDMolSupplier(sys.argv[1]):
    n += 1
    if m is None:
        print("record %d: RDKit reads no molecule" % n)
        continue
    cid = m.GetProp("compound_id") if m.HasProp("compound_id") else None
    try:
        float(m.GetProp("prediction"))
    except Exception as e:
        print("record %d (%s): prediction: %s" % (n, cid, e))
    smiles = m.GetProp("smiles").replace("/", "").replace("\\", "")
    Chem.AssignAtomChiralTagsFromMolParity(m)
    Chem.AssignStereochemistry(m, cleanIt=True, force=True)
    have, want = Chem.MolToSmiles(m), Chem.MolToSmiles(Chem.MolFromSmiles(smiles))
    if cid is None or have != want:
        print("record %d (%s): RDKit reads the molfile as %s, the smiles item as %s" % (n, cid, have, want))
print("read", n)
`
		out := strings.Split(strings.TrimSpace(string(rdkittest.Run(t, script, nil, path))), "\n")
		last := out[len(out)-1]
		for _, l := range out[:len(out)-1] {
			t.Error(l)
		}
		if last != fmt.Sprintf("read %d", want) {
			t.Errorf("RDKit %s: %q; want %d records", version, last, want)
		}
	})
}

// TestExportMeasurementsQualifier: the measurements CSV writes each
// value's qualifier in its own column (">" for the censored value, "~" for
// the approximate one, "" for exact values), so no export drops it.
func TestExportMeasurementsQualifier(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		f := newPoolFixture(t, open)
		var buf bytes.Buffer
		if _, err := f.svc.ExportMeasurements(f.ctx, f.view, "logS", store.NilID, &buf); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		q, v := column(recs[0], "qualifier"), column(recs[0], "value")
		got := map[string]int{}
		for _, r := range recs[1:] {
			got[r[q]+r[v]]++
			if r[q] != "" && mustID(t, r[0]) != f.censored && mustID(t, r[0]) != f.amended {
				t.Errorf("compound %s: qualifier %q on an exact value", r[0], r[q])
			}
		}
		if got[">-1.5"] != 1 || got["~-2.2"] != 1 {
			t.Errorf("qualified values written %v; want >-1.5 and ~-2.2 once each", got)
		}
	})
}

// TestExportPoolProbability: a classification model's pool export carries
// each compound's calibrated probability of class 1 (as Predict gives it)
// and no interval; a regression export leaves the column empty.
func TestExportPoolProbability(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{})
		e.solubleModel(t, activelearning.SplitInput{Seed: 1})
		var buf bytes.Buffer
		n, err := e.svc.ExportPool(e.ctx, e.view, activelearning.PoolExport{Model: "soluble", Format: activelearning.PoolCSV}, &buf)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil || n == 0 || len(recs) != n+1 {
			t.Fatalf("%d rows, %d records: %v", n, len(recs), err)
		}
		h := recs[0]
		var smiles []string
		for _, r := range recs[1:] {
			smiles = append(smiles, r[column(h, "smiles")])
		}
		want := map[string]*activelearning.PredictResult{}
		if _, err := e.svc.Predict(e.ctx, e.view, "soluble", 0, listOf(smiles), func(r *activelearning.PredictResult) error {
			c := *r
			want[r.SMILES] = &c
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for _, r := range recs[1:] {
			w := want[r[column(h, "smiles")]]
			got, err := strconv.ParseFloat(r[column(h, "probability")], 64)
			if w == nil || !w.HasProbability || err != nil || got != w.Probability || got < 0 || got > 1 || r[column(h, "interval_low")] != "" {
				t.Fatalf("compound %s: probability %q interval_low %q, Predict gives %+v", r[0], r[column(h, "probability")], r[column(h, "interval_low")], w)
			}
		}
	})
}
