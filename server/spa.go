package server

import (
	_ "embed"
	"errors"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

//go:embed placeholder.html
var placeholderPage []byte

// encodings are the precompressed variants the build writes beside an asset
// (frontend/scripts/compress.mjs), in the order the server prefers them.
var encodings = []struct{ token, ext string }{{"br", ".br"}, {"gzip", ".gz"}}

// spaHandler serves the built web app from fsys: files as they are, client
// routes (paths whose last segment has no extension) fall back to
// index.html, missing assets are 404. When fsys has no index.html (the app
// is not built), routes get a placeholder page that says where the API is.
//
// Vite fingerprints the names under assets/, so they are cached for a year
// (immutable). When the build left NAME.br or NAME.gz beside an asset and the
// request's Accept-Encoding takes it (q=0 refuses), that file is sent with
// Content-Encoding and the original's Content-Type, brotli first; every
// asset response says Vary: Accept-Encoding so caches keep the variants
// apart. HEAD, conditional requests and ranges work as for any file (on the
// encoded bytes when encoded).
func spaHandler(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	_, err := fs.Stat(fsys, "index.html")
	haveIndex := err == nil
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name != "" && name != "index.html" {
			if st, err := fs.Stat(fsys, name); err == nil && !st.IsDir() {
				if strings.HasPrefix(name, "assets/") {
					// Vite fingerprints asset names: cache them for good.
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
					w.Header().Add("Vary", "Accept-Encoding")
					if serveEncoded(w, r, fsys, name) {
						return
					}
				}
				files.ServeHTTP(w, r)
				return
			} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
				http.Error(w, "internal error", http.StatusInternalServerError)
				return
			}
			if path.Ext(name) != "" {
				http.NotFound(w, r)
				return
			}
		}
		// The app shell: never cached, so a new build is picked up at once.
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if !haveIndex {
			_, _ = w.Write(placeholderPage)
			return
		}
		index, err := fs.ReadFile(fsys, "index.html")
		if err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write(index)
	})
}

// serveEncoded sends name's precompressed variant when the client accepts
// one that exists, and reports whether it did.
func serveEncoded(w http.ResponseWriter, r *http.Request, fsys fs.FS, name string) bool {
	accept := r.Header.Get("Accept-Encoding")
	if accept == "" || strings.HasSuffix(name, ".br") || strings.HasSuffix(name, ".gz") {
		return false
	}
	for _, enc := range encodings {
		if !accepts(accept, enc.token) {
			continue
		}
		if serveFile(w, r, fsys, name+enc.ext, name, enc.token) {
			return true
		}
	}
	return false
}

// serveFile sends the file at encodedName as name's content in the given
// Content-Encoding, typed by name's extension; false when it cannot be
// opened as a seekable file (then nothing was written). Embedded files have
// a zero modification time, which makes ServeContent leave Last-Modified
// out (their names change with their content anyway).
func serveFile(w http.ResponseWriter, r *http.Request, fsys fs.FS, encodedName, name, encoding string) bool {
	f, err := fsys.Open(encodedName)
	if err != nil {
		return false
	}
	defer f.Close()
	st, err := f.Stat()
	rs, ok := f.(io.ReadSeeker)
	if err != nil || !ok || st.IsDir() {
		return false
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Encoding", encoding)
	http.ServeContent(w, r, name, st.ModTime(), rs)
	return true
}

// accepts reports whether an Accept-Encoding header takes token (by name or
// "*") with a non-zero quality.
func accepts(header, token string) bool {
	star := false
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != token && coding != "*" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		if coding == token {
			return q > 0
		}
		star = q > 0
	}
	return star
}
