package server

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"activelab/activelearning"
	"activelab/store"
)

// TestExportMeasurementsCSV: GET /export/measurements.csv streams an
// endpoint's measurements to any signed-in user as a CSV download; no
// credentials is 401, a bad endpoint or set 400 naming it, another method
// 405.
func TestExportMeasurementsCSV(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.importESOL(t)
		get := func(query, token string) (*http.Response, string) {
			t.Helper()
			return a.get(t, "/export/measurements.csv"+query, token)
		}

		res, body := get("?endpoint=logS", a.vwT)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
			res.Header.Get("Content-Disposition") != `attachment; filename="logS.csv"` {
			t.Fatalf("status %d, headers %v; body %.200s", res.StatusCode, res.Header, body)
		}
		recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want, err := a.st.MeasurementsByEndpoint(t.Context(), "logS", store.MeasurementQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != len(want)+1 || strings.Join(recs[0], ",") != strings.Join(activelearning.ExportHeader, ",") {
			t.Errorf("%d records, header %v; want %d and %v", len(recs), recs[0], len(want)+1, activelearning.ExportHeader)
		}

		for _, c := range []struct {
			query, token string
			status       int
			says         string
		}{
			{"?endpoint=logS", "", http.StatusUnauthorized, "authentication required"},
			{"?endpoint=logS", "al_not-a-token", http.StatusUnauthorized, "token"},
			{"?endpoint=pKa", a.vwT, http.StatusBadRequest, `endpoint: "pKa" has no measurements`},
			{"", a.vwT, http.StatusBadRequest, "endpoint: name the endpoint"},
			{"?endpoint=logS&set=x", a.vwT, http.StatusBadRequest, `set: "x" is not a compound set id`},
			{"?endpoint=logS&set=" + unknownUUID, a.vwT, http.StatusBadRequest, "set: compound set " + unknownUUID + " does not exist"},
		} {
			res, body := get(c.query, c.token)
			if res.StatusCode != c.status || !strings.Contains(body, c.says) || res.Header.Get("Content-Disposition") != "" {
				t.Errorf("%s (token %q): %d %q, want %d saying %q and no download", c.query, c.token, res.StatusCode, body, c.status, c.says)
			}
		}
		res2, err := http.Post(a.ts.URL+"/export/measurements.csv?endpoint=logS", "text/plain", nil)
		if err != nil {
			t.Fatal(err)
		}
		res2.Body.Close()
		if res2.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST: %d, want 405", res2.StatusCode)
		}
	})
}
