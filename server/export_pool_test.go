package server

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"activelab/activelearning/ingest"
	"activelab/store"
)

// TestExportPoolHTTP: GET /export/pool.csv and /export/pool.sdf stream the
// compounds scored by a model to any signed-in user as downloads (the CSV
// has a row per compound with a prediction; the SDF reads back with the
// import reader, measurements included); no credentials is 401, a bad
// model, version, set 400 naming it, another method 405.
func TestExportPoolHTTP(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.importESOL(t)
		a.trainModel(t)
		get := func(path, token string) (*http.Response, string) {
			t.Helper()
			return a.get(t, path, token)
		}
		total := alTrainRows + alPoolRows

		res, body := get(fmt.Sprintf("/export/pool.csv?model=%d", a.modelID), a.vwT)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
			res.Header.Get("Content-Disposition") != `attachment; filename="ESOL_test-pool.csv"` {
			t.Fatalf("status %d, headers %v; body %.200s", res.StatusCode, res.Header, body)
		}
		recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != total+1 || recs[0][0] != "compound_id" {
			t.Fatalf("%d records, header %v; want %d", len(recs), recs[0], total+1)
		}
		pred := -1
		for i, h := range recs[0] {
			if h == "prediction" {
				pred = i
			}
		}
		for _, r := range recs[1:] {
			if r[pred] == "" {
				t.Errorf("compound %s has no prediction: %v", r[0], r)
			}
		}

		res, body = get("/export/pool.sdf?model=ESOL+test&version=1&set="+fmt.Sprint(a.poolSet), a.vwT)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "chemical/x-mdl-sdfile" ||
			res.Header.Get("Content-Disposition") != `attachment; filename="ESOL_test-esol-pool-pool.sdf"` {
			t.Fatalf("status %d, headers %v; body %.200s", res.StatusCode, res.Header, body)
		}
		r, err := ingest.Open(strings.NewReader(body), ingest.FormatSDF, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		rows, bad, err := ingest.ReadAll(r)
		if err != nil || len(bad) != 0 || len(rows) != alPoolRows {
			t.Fatalf("SDF: %d rows, %d bad (%v), %v; want %d", len(rows), len(bad), bad, err, alPoolRows)
		}

		for _, c := range []struct {
			path, token string
			status      int
			says        string
		}{
			{"/export/pool.csv?model=ESOL+test", "", http.StatusUnauthorized, "authentication required"},
			{"/export/pool.sdf?model=ESOL+test", "al_not-a-token", http.StatusUnauthorized, "token"},
			{"/export/pool.csv", a.vwT, http.StatusBadRequest, "model: name the model"},
			{"/export/pool.csv?model=nope", a.vwT, http.StatusBadRequest, `model: no model has id or name "nope"`},
			{"/export/pool.sdf?model=ESOL+test&version=0", a.vwT, http.StatusBadRequest, `version: "0" is not a version number`},
			{"/export/pool.sdf?model=ESOL+test&version=5", a.vwT, http.StatusBadRequest, "version: model \"ESOL test\" has no version 5"},
			{"/export/pool.csv?model=ESOL+test&set=x", a.vwT, http.StatusBadRequest, `set: "x" is not a compound set id`},
			{"/export/pool.csv?model=ESOL+test&set=99999", a.vwT, http.StatusBadRequest, `set: "99999" is not a compound set id (a UUID)`},
			{"/export/pool.csv?model=ESOL+test&set=" + unknownUUID, a.vwT, http.StatusBadRequest, "set: compound set " + unknownUUID + " does not exist"},
		} {
			res, body := get(c.path, c.token)
			if res.StatusCode != c.status || !strings.Contains(body, c.says) || res.Header.Get("Content-Disposition") != "" {
				t.Errorf("%s (token %q): %d %q, want %d saying %q and no download", c.path, c.token, res.StatusCode, body, c.status, c.says)
			}
		}
		res2, err := http.Post(a.ts.URL+"/export/pool.csv?model=ESOL+test", "text/plain", nil)
		if err != nil {
			t.Fatal(err)
		}
		res2.Body.Close()
		if res2.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST: %d, want 405", res2.StatusCode)
		}
	})
}
