package server

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"activelab/store"
)

// TestImportKeepsTheDataOverGraphQL uploads the gzipped multi-property SDF
// (six ESOL molecules written by RDKit 2022.09 with ID, logS, MolWt and
// MolLogP) with an endpoint mapping, and an .xlsx with a censored value,
// then reads the compounds' properties and qualified measurements back.
func TestImportKeepsTheDataOverGraphQL(t *testing.T) {
	sdf, err := os.ReadFile(filepath.Join("..", "activelearning", "ingest", "testdata", "multi.sdf.gz"))
	if err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	for i, row := range [][]any{{"Vendor ID", "SMILES", "pIC50"}, {"V-9", "CCCCCCCCO", "> 7.5"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var xlsx bytes.Buffer
	if _, err := f.WriteTo(&xlsx); err != nil {
		t.Fatal(err)
	}
	const importQ = `mutation($in: ImportCompoundsInput!) { importCompounds(input: $in) { rows created existing measurements errors { row reason } } }`
	const findQ = `query($s: String!) { compounds(search: $s, first: 1) { edges { node {
		name properties { name value } measurements { endpoint value qualifier } } } } }`
	type payload struct {
		ImportCompounds struct {
			Rows, Created, Existing, Measurements int
			Errors                                []struct{ Reason string }
		}
	}
	type found struct {
		Compounds struct {
			Edges []struct {
				Node struct {
					Name         string
					Properties   []store.Property
					Measurements []struct {
						Endpoint  string
						Value     float64
						Qualifier string
					}
				}
			}
		}
	}
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		var up payload
		wantData(t, a.upload(t, a.sciT, importQ, map[string]any{"in": map[string]any{"file": nil, "setName": "multi",
			"endpoints": []map[string]string{{"endpoint": "sol", "column": "logS"}, {"endpoint": "mw", "column": "MolWt"}, {"endpoint": "clogp", "column": "MolLogP"}}}},
			"multi.sdf.gz", string(sdf)), &up)
		if p := up.ImportCompounds; p.Rows != 6 || p.Created != 6 || p.Measurements != 17 || len(p.Errors) != 0 {
			t.Fatalf("SDF import %+v, want 6 compounds and 17 measurements", p)
		}
		var d found
		wantData(t, a.post(findQ, map[string]any{"s": "Amigdalin"}, bearer(a.vwT)), &d)
		if len(d.Compounds.Edges) != 1 {
			t.Fatalf("Amigdalin not found: %+v", d)
		}
		n := d.Compounds.Edges[0].Node
		want := []store.Property{{Name: "ID", Value: "ESOL-1"}, {Name: "logS", Value: "-0.77"}, {Name: "MolWt", Value: "457.432"}, {Name: "MolLogP", Value: "-3.1080"}}
		if !slices.Equal(n.Properties, want) {
			t.Errorf("Amigdalin's properties = %v, want %v (file order)", n.Properties, want)
		}
		if len(n.Measurements) != 3 {
			t.Errorf("Amigdalin's measurements = %+v, want sol, mw and clogp", n.Measurements)
		}

		wantData(t, a.upload(t, a.sciT, importQ, map[string]any{"in": map[string]any{"file": nil, "setName": "sheet",
			"endpoint": "pIC50", "valueColumn": "pIC50"}}, "assay.xlsx", xlsx.String()), &up)
		if p := up.ImportCompounds; p.Rows != 1 || p.Measurements != 1 {
			t.Fatalf("XLSX import %+v, want one measurement", p)
		}
		d = found{}
		wantData(t, a.post(findQ, map[string]any{"s": "CCCCCCCCO"}, bearer(a.vwT)), &d)
		if len(d.Compounds.Edges) != 1 {
			t.Fatalf("octanol not found: %+v", d)
		}
		n = d.Compounds.Edges[0].Node
		if len(n.Measurements) != 1 || n.Measurements[0].Qualifier != ">" || n.Measurements[0].Value != 7.5 {
			t.Errorf("octanol's measurements = %+v, want pIC50 > 7.5", n.Measurements)
		}
		if want := []store.Property{{Name: "Vendor ID", Value: "V-9"}, {Name: "pIC50", Value: "> 7.5"}}; !slices.Equal(n.Properties, want) {
			t.Errorf("octanol's properties = %v, want %v (the SMILES column not repeated)", n.Properties, want)
		}
	})
}
