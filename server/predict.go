package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"activelab/activelearning"
	"activelab/activelearning/predictio"
	"activelab/auth"
)

// predictRequest is the JSON body of POST /predict.
type predictRequest struct {
	Model   json.RawMessage `json:"model"` // id (number or string) or name
	Version int             `json:"version"`
	SMILES  []string        `json:"smiles"`
}

// predict serves POST /predict: batch prediction for notebooks. The body
// is either JSON, {"model": ID|NAME, "version": N, "smiles": [...]}, or a
// multipart form whose fields "model", "version", "format" (of the file:
// csv, sdf or smi; default from its name) and "smilesColumn" come before
// its "file" part (CSV, SDF or SMILES file, optionally gzipped); model and
// version may also be query parameters. The answer streams every row back
// in order (predictio.Columns added) as CSV (default), SDF or JSON lines,
// chosen by ?format= or the Accept header. Same credentials as the
// exports (Bearer token or session cookie; a cookie needs a same-origin
// request). Problems found before the first byte are plain-text answers
// with their status; a failure midway aborts the connection.
func (s *Server) predict(svc *activelearning.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log := Logger(r.Context(), s.log)
		if _, bearer, _ := bearerSecret(r.Header.Get("Authorization")); !bearer {
			if ok, origin := s.origins.check(r); !ok {
				http.Error(w, "cross-origin request refused: origin "+quoteOrigin(origin)+" is not this server and not in --allowed-origins", http.StatusForbidden)
				return
			}
		}
		ctx, ok := s.authenticate(w, r, log)
		if !ok {
			return
		}
		actor, err := auth.Require(ctx)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		outF, err := predictFormat(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotAcceptable)
			return
		}
		q := r.URL.Query()
		model, version := q.Get("model"), q.Get("version")
		var rd *predictio.Reader
		if isMultipart(r) {
			r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes)
			// The file is read while rows are scored and written: allow
			// an upload's time, not --read-timeout.
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(uploadReadTimeout))
			mr, err := r.MultipartReader()
			if err != nil {
				http.Error(w, "multipart: "+err.Error(), http.StatusBadRequest)
				return
			}
			inFormat, smilesCol := "", ""
			for rd == nil {
				part, err := mr.NextPart()
				if errors.Is(err, io.EOF) {
					http.Error(w, `file: the form has no "file" part (it must come after the other fields)`, http.StatusBadRequest)
					return
				}
				if err != nil {
					http.Error(w, "multipart: "+err.Error(), http.StatusBadRequest)
					return
				}
				if part.FormName() == "file" {
					f, err := pickPredictFormat(inFormat, part.FileName())
					if err == nil {
						rd, err = predictio.Open(part, f, smilesCol)
					}
					if err != nil {
						http.Error(w, "file: "+err.Error(), http.StatusBadRequest)
						return
					}
					continue
				}
				v, err := io.ReadAll(io.LimitReader(part, 4096))
				if err != nil {
					http.Error(w, "multipart: "+err.Error(), http.StatusBadRequest)
					return
				}
				switch part.FormName() {
				case "model":
					model = string(v)
				case "version":
					version = string(v)
				case "format":
					inFormat = string(v)
				case "smilesColumn":
					smilesCol = string(v)
				}
			}
		} else {
			var req predictRequest
			dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
			if err := dec.Decode(&req); err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					http.Error(w, fmt.Sprintf("request body too large: the limit is %s (--max-body-bytes); upload a file instead", formatBytes(s.cfg.MaxBodyBytes)), http.StatusRequestEntityTooLarge)
					return
				}
				http.Error(w, "JSON body: "+err.Error()+` (want {"model": ID|NAME, "smiles": [...]})`, http.StatusBadRequest)
				return
			}
			if len(req.Model) > 0 {
				var name string
				if json.Unmarshal(req.Model, &name) != nil {
					name = string(req.Model) // a number
				}
				model = name
			}
			if req.Version != 0 {
				version = strconv.Itoa(req.Version)
			}
			rd = predictio.FromSMILES(req.SMILES)
		}
		v := 0
		if version != "" {
			if v, err = strconv.Atoi(strings.TrimSpace(version)); err != nil || v < 1 {
				http.Error(w, fmt.Sprintf("version: %q is not a version number", version), http.StatusBadRequest)
				return
			}
		}
		p, err := svc.Predictor(ctx, actor, model, v)
		var ie *activelearning.InputError
		switch {
		case errors.As(err, &ie):
			http.Error(w, ie.Error(), http.StatusBadRequest)
			return
		case errors.Is(err, auth.ErrForbidden):
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		case err != nil:
			lookupFailed(log, w, r, "predict with "+model, err)
			return
		}
		out := &lazyDownload{w: w, contentType: predictio.ContentType(outF),
			filename: safeFilename(p.Model().Name) + "-v" + strconv.Itoa(p.Model().Version) + "." + string(outF)}
		pw, err := predictio.NewWriter(out, outF, rd.Header())
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotAcceptable)
			return
		}
		rows, failed, err := predictio.Run(ctx, p, rd, pw)
		if err != nil {
			if !out.started {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			log.LogAttrs(ctx, slog.LevelError, "predict failed midway", slog.String("model", model), slog.Int("rows", rows), slog.String("error", err.Error()))
			panic(http.ErrAbortHandler)
		}
		log.LogAttrs(ctx, slog.LevelInfo, "predict", slog.String("model", p.Model().Name), slog.Int("version", p.Model().Version),
			slog.Int("rows", rows), slog.Int("failed", failed))
	})
}

// predictFormat is the answer's format: ?format=, else the first of the
// Accept header's types it knows, else CSV.
func predictFormat(r *http.Request) (predictio.Format, error) {
	if f := r.URL.Query().Get("format"); f != "" {
		pf, err := predictio.ParseFormat(f)
		if err == nil && pf == predictio.SMI {
			err = errors.New("cannot answer in smi: want csv, sdf or jsonl")
		}
		return pf, err
	}
	for _, a := range strings.Split(r.Header.Get("Accept"), ",") {
		t, _, _ := mime.ParseMediaType(strings.TrimSpace(a))
		switch t {
		case "text/csv":
			return predictio.CSV, nil
		case "chemical/x-mdl-sdfile":
			return predictio.SDF, nil
		case "application/x-ndjson", "application/jsonl", "application/json":
			return predictio.JSONL, nil
		}
	}
	return predictio.CSV, nil
}

// pickPredictFormat is the named input format, else its file name's.
func pickPredictFormat(name, filename string) (predictio.Format, error) {
	if name != "" {
		return predictio.ParseFormat(name)
	}
	return predictio.FormatFromPath(filename)
}

// lazyDownload sets a download's headers on the first write, so an error
// found before it can still be answered with its own status.
type lazyDownload struct {
	w                     http.ResponseWriter
	contentType, filename string
	started               bool
}

func (l *lazyDownload) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		h := l.w.Header()
		h.Set("Content-Type", l.contentType)
		h.Set("Content-Disposition", `attachment; filename="`+l.filename+`"`)
		h.Set("Cache-Control", "no-store")
	}
	return l.w.Write(p)
}
