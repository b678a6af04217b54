package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"activelab/activelearning/predictio"
	"activelab/auth"
	"activelab/store"
)

// TestPredictHTTP: POST /predict scores a JSON list (CSV answer) and an
// uploaded CSV with ID columns and a bad row (SDF and JSON lines answers)
// for a token holder, every row back in order; no credentials is 401, an
// unknown model or version 400, an unknown answer format 406.
func TestPredictHTTP(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.importESOL(t)
		a.trainModel(t)
		post := func(query, token, ctype, accept string, body []byte) (*http.Response, string) {
			t.Helper()
			req, _ := http.NewRequest(http.MethodPost, a.ts.URL+"/predict"+query, bytes.NewReader(body))
			req.Header.Set("Content-Type", ctype)
			if accept != "" {
				req.Header.Set("Accept", accept)
			}
			return a.do(t, req, token)
		}
		js := func(v any) []byte { b, _ := json.Marshal(v); return b }

		res, body := post("", a.vwT, "application/json", "", js(map[string]any{"model": a.modelID, "smiles": []string{"CCO", "C1CC", "c1ccccc1"}}))
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("JSON list: %d %v\n%s", res.StatusCode, res.Header, body)
		}
		recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || len(recs) != 4 || recs[0][0] != "smiles" || recs[2][0] != "C1CC" || recs[2][len(recs[2])-1] == "" ||
			recs[1][1] == "" || recs[3][len(recs[3])-1] != "" {
			t.Fatalf("JSON list: %v\n%s", err, body)
		}

		form := func(file string) ([]byte, string) {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			mw.WriteField("model", "ESOL test")
			mw.WriteField("version", "1")
			fw, _ := mw.CreateFormFile("file", "library.csv")
			fw.Write([]byte(file))
			mw.Close()
			return b.Bytes(), mw.FormDataContentType()
		}
		lib := "corp_id,smiles,series\nC-1,CCO,s1\nC-2,not-a-smiles,s1\nC-3,Oc1ccccc1,s2\n"
		b, ctype := form(lib)
		res, body = post("", a.sciT, ctype, "chemical/x-mdl-sdfile", b)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "chemical/x-mdl-sdfile" ||
			res.Header.Get("Content-Disposition") != `attachment; filename="ESOL_test-v1.sdf"` {
			t.Fatalf("multipart to SDF: %d %v\n%s", res.StatusCode, res.Header, body)
		}
		rd, err := predictio.Open(strings.NewReader(body), predictio.SDF, "")
		if err != nil {
			t.Fatal(err)
		}
		for i, id := range []string{"C-1", "C-2", "C-3"} {
			rec, err := rd.Next()
			if err != nil {
				t.Fatalf("record %d: %v\n%s", i+1, err, body)
			}
			got := map[string]string{}
			for _, f := range rec.Fields {
				got[f.Name] = f.Value
			}
			if got["corp_id"] != id || (got["error"] != "") != (id == "C-2") || (got["prediction"] == "") != (id == "C-2") || got["model_version"] != "1" {
				t.Errorf("record %d: %v", i+1, got)
			}
		}
		res, body = post("?format=jsonl", a.vwT, ctype, "", b)
		lines := strings.Split(strings.TrimSpace(body), "\n")
		if res.StatusCode != http.StatusOK || len(lines) != 3 || !strings.Contains(lines[1], `"corp_id":"C-2"`) || !strings.Contains(lines[1], `"error"`) {
			t.Errorf("JSON lines: %d\n%s", res.StatusCode, body)
		}

		// A session cookie works from this server's pages, not from another origin.
		login, err := a.srv.Auth().Login(t.Context(), a.view.Email, "correct horse")
		if err != nil {
			t.Fatal(err)
		}
		for origin, status := range map[string]int{"": http.StatusOK, a.ts.URL: http.StatusOK, "https://evil.example": http.StatusForbidden} {
			req, _ := http.NewRequest(http.MethodPost, a.ts.URL+"/predict", bytes.NewReader(js(map[string]any{"model": "ESOL test", "smiles": []string{"CCO"}})))
			req.Header.Set("Cookie", auth.SessionCookieName+"="+login.Secret)
			if origin != "" {
				req.Header.Set("Origin", origin)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != status {
				t.Errorf("cookie from origin %q: %d %s, want %d", origin, res.StatusCode, b, status)
			}
		}

		for _, c := range []struct {
			query, token, accept string
			body                 []byte
			status               int
			says                 string
		}{
			{"", "", "", js(map[string]any{"model": a.modelID, "smiles": []string{"CCO"}}), http.StatusUnauthorized, "authentication required"},
			{"", a.vwT, "", js(map[string]any{"model": "nope", "smiles": []string{"CCO"}}), http.StatusBadRequest, `no model has id or name "nope"`},
			{"", a.vwT, "", js(map[string]any{"model": a.modelID, "version": 9, "smiles": []string{"CCO"}}), http.StatusBadRequest, "has no version 9"},
			{"?format=xml", a.vwT, "", js(map[string]any{"model": a.modelID, "smiles": []string{"CCO"}}), http.StatusNotAcceptable, "unknown format"},
			{"", a.vwT, "", []byte(`{"smiles": 3}`), http.StatusBadRequest, "JSON body"},
		} {
			res, body := post(c.query, c.token, "application/json", c.accept, c.body)
			if res.StatusCode != c.status || !strings.Contains(body, c.says) || res.Header.Get("Content-Disposition") != "" {
				t.Errorf("%s %s (token %q): %d %q, want %d saying %q", c.query, c.body, c.token, res.StatusCode, body, c.status, c.says)
			}
		}
	})
}

// TestPredictGraphQL: predict(modelId, smiles) answers in order, a bad
// SMILES with its error and null scores, the rest scored with the same
// values as POST /predict; more than 1000 SMILES, an unknown model and
// an anonymous caller are refused with their codes.
func TestPredictGraphQL(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.importESOL(t)
		a.trainModel(t)
		const q = `query($m: ID!, $s: [String!]!, $v: Int) { predict(modelId: $m, smiles: $s, version: $v) {
			smiles prediction uncertainty interval { low high level } probability applicabilityDistance nearestCompoundId nearestSmiles similarity modelVersion error } }`
		var d struct {
			Predict []struct {
				Smiles                string
				Prediction            *float64
				Uncertainty           *float64
				Interval              *struct{ Low, High, Level float64 }
				Probability           *float64
				ApplicabilityDistance *float64
				NearestCompoundID     *string
				NearestSmiles         *string
				Similarity            *float64
				ModelVersion          int
				Error                 *string
			}
		}
		smiles := []string{"CCO", "C1CC", "Oc1ccccc1"}
		wantData(t, a.post(q, map[string]any{"m": a.modelID, "s": smiles}, bearer(a.vwT)), &d)
		if len(d.Predict) != 3 {
			t.Fatalf("%d predictions", len(d.Predict))
		}
		for i, p := range d.Predict {
			bad := i == 1
			if p.Smiles != smiles[i] || p.ModelVersion != 1 || (p.Error != nil) != bad || (p.Prediction == nil) != bad ||
				(p.NearestCompoundID == nil) != bad || (p.Similarity == nil) != bad {
				t.Errorf("%d: %+v", i, p)
				continue
			}
			if bad {
				continue
			}
			// The trained regression version is calibrated (out-of-bag conformal).
			if iv := p.Interval; iv == nil || !(iv.Low <= *p.Prediction && *p.Prediction <= iv.High && iv.Level == 0.9) {
				t.Errorf("%d: interval %+v around %v", i, iv, *p.Prediction)
			}
			if p.Probability != nil {
				t.Errorf("%d: a regression model's probability %v", i, *p.Probability)
			}
		}
		// The same numbers as the file endpoint.
		req, _ := http.NewRequest(http.MethodPost, a.ts.URL+"/predict?format=jsonl", strings.NewReader(`{"model": "ESOL test", "smiles": ["CCO"]}`))
		req.Header.Set("Authorization", "Bearer "+a.vwT)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var line struct{ Result map[string]any }
		err = json.NewDecoder(res.Body).Decode(&line)
		res.Body.Close()
		// The file endpoint writes 8 significant digits.
		if got, ok := line.Result["prediction"].(float64); err != nil || !ok || math.Abs(got-*d.Predict[0].Prediction) > 1e-6 {
			t.Errorf("POST /predict %v: %v, GraphQL %v", err, line.Result, *d.Predict[0].Prediction)
		}

		many := make([]string, 1001)
		for i := range many {
			many[i] = "C"
		}
		wantError(t, a.post(q, map[string]any{"m": a.modelID, "s": many}, bearer(a.vwT)), "BAD_USER_INPUT", "at most 1000")
		wantError(t, a.post(q, map[string]any{"m": unknownUUID, "s": smiles}, bearer(a.vwT)), "BAD_USER_INPUT", "no model")
		wantError(t, a.post(q, map[string]any{"m": a.modelID, "s": smiles, "v": 4}, bearer(a.vwT)), "BAD_USER_INPUT", "no version 4")
		wantError(t, a.post(q, map[string]any{"m": a.modelID, "s": smiles}, nil), "UNAUTHENTICATED")
	})
}
