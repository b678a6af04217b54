package server

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"activelab/store"
)

// TestImportJobQuery: a CSV over the inline limit is imported by a River
// job; importJob follows it to COMPLETE with the same report an inline
// import gives (counts, the rejected row, the set), for its submitter only.
func TestImportJobQuery(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupRuntime(t, open, func(rc *RuntimeConfig) { rc.Service.InlineImportLimit = 3 })
		sci := a.user(store.RoleScientist)
		other, err := a.srv.Auth().CreateUserAsOperator(t.Context(), newUser("other-"+strings.ReplaceAll(t.Name(), "/", "-")+"@example.test", store.RoleScientist))
		if err != nil {
			t.Fatal(err)
		}
		a.sciT = a.token(sci)
		otherT := a.token(other)
		var csv strings.Builder
		csv.WriteString("smiles,name,logS\n")
		for i := range 8 {
			fmt.Fprintf(&csv, "%sO,alcohol-%d,%d\n", strings.Repeat("C", i+1), i, -i)
		}
		csv.WriteString("C1CC(,broken,0\n")
		var up struct {
			ImportCompounds struct {
				Rows  int
				JobID *string
			}
		}
		wantData(t, a.upload(t, a.sciT, `mutation($in: ImportCompoundsInput!) { importCompounds(input: $in) { rows jobId } }`,
			map[string]any{"in": map[string]any{"file": nil, "setName": "alcohols", "endpoint": "logS", "valueColumn": "logS"}}, "alcohols.csv", csv.String()), &up)
		if up.ImportCompounds.JobID == nil || up.ImportCompounds.Rows != 9 {
			t.Fatalf("import payload %+v, want a job for 9 rows", up.ImportCompounds)
		}
		const q = `query($id: JobID!) { importJob(id: $id) { id state fraction message error
			report { rows created existing measurements errorsNotListed errors { row column reason } set { name size } jobId } } }`
		vars := map[string]any{"id": *up.ImportCompounds.JobID}
		wantError(t, a.post(q, vars, bearer(otherT)), CodeNotFound)
		type job struct {
			ImportJob struct {
				State    string
				Fraction float64
				Error    *string
				Report   *struct {
					Rows, Created, Existing, Measurements, ErrorsNotListed int
					Errors                                                 []struct {
						Row            int
						Column, Reason string
					}
					Set struct {
						Name string
						Size int
					}
					JobID string
				}
			}
		}
		var d job
		deadline := time.Now().Add(30 * time.Second)
		for {
			d = job{}
			wantData(t, a.post(q, vars, bearer(a.sciT)), &d)
			if d.ImportJob.State == "COMPLETE" || d.ImportJob.State == "FAILED" || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		r := d.ImportJob.Report
		if d.ImportJob.State != "COMPLETE" || d.ImportJob.Fraction != 1 || r == nil {
			t.Fatalf("job %+v (error %v)", d.ImportJob, d.ImportJob.Error)
		}
		if r.Rows != 9 || r.Created != 8 || r.Measurements != 8 || r.ErrorsNotListed != 0 || len(r.Errors) != 1 ||
			r.Errors[0].Row != 9 || r.Errors[0].Column != "smiles" || r.Set.Name != "alcohols" || r.Set.Size != 8 ||
			r.JobID != *up.ImportCompounds.JobID {
			t.Errorf("report %+v", r)
		}
	})
}
