package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"activelab/frontend"
)

// gz compresses b as the build's compress.mjs does (gzip), for a test FS.
func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func get(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestSpaPrecompressed(t *testing.T) {
	t.Parallel()
	js := []byte(strings.Repeat("console.log('activelab');\n", 200))
	// The .br content is a marker, not real brotli: the handler sends the
	// file as stored and must not re-encode it; gzip is decoded for real.
	brMarker := []byte("brotli bytes as the build wrote them")
	fsys := fstest.MapFS{
		"index.html":                {Data: []byte("<!doctype html><div id=root></div>")},
		"favicon.svg":               {Data: []byte("<svg/>")},
		"assets/app-1a2b.js":        {Data: js},
		"assets/app-1a2b.js.br":     {Data: brMarker},
		"assets/app-1a2b.js.gz":     {Data: gz(t, js)},
		"assets/only-gz-9f.wasm":    {Data: []byte("\x00asm raw")},
		"assets/only-gz-9f.wasm.gz": {Data: gz(t, []byte("\x00asm raw"))},
		"assets/plain-3c.css":       {Data: []byte("body{}")},
	}
	h := spaHandler(fsys)

	cases := []struct {
		name, path, accept string
		wantEncoding       string
		wantType           string
		wantBody           []byte // after decoding gzip
	}{
		{"brotli preferred", "/assets/app-1a2b.js", "gzip, deflate, br", "br", "text/javascript; charset=utf-8", brMarker},
		{"gzip when brotli is not accepted", "/assets/app-1a2b.js", "gzip", "gzip", "text/javascript; charset=utf-8", js},
		{"brotli refused by q=0", "/assets/app-1a2b.js", "br;q=0, gzip;q=0.5", "gzip", "text/javascript; charset=utf-8", js},
		{"star takes brotli", "/assets/app-1a2b.js", "*", "br", "text/javascript; charset=utf-8", brMarker},
		{"identity when nothing is accepted", "/assets/app-1a2b.js", "", "", "text/javascript; charset=utf-8", js},
		{"identity when every encoding is refused", "/assets/app-1a2b.js", "br;q=0, gzip;q=0", "", "text/javascript; charset=utf-8", js},
		{"wasm keeps its type when gzipped", "/assets/only-gz-9f.wasm", "br, gzip", "gzip", "application/wasm", []byte("\x00asm raw")},
		{"no variant: identity", "/assets/plain-3c.css", "br, gzip", "", "text/css; charset=utf-8", []byte("body{}")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := get(t, h, http.MethodGet, tc.path, map[string]string{"Accept-Encoding": tc.accept})
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			hdr := rec.Header()
			if got := hdr.Get("Content-Encoding"); got != tc.wantEncoding {
				t.Errorf("Content-Encoding %q, want %q", got, tc.wantEncoding)
			}
			if got := hdr.Get("Content-Type"); got != tc.wantType {
				t.Errorf("Content-Type %q, want %q", got, tc.wantType)
			}
			if got := hdr.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control %q", got)
			}
			if got := hdr.Get("Vary"); got != "Accept-Encoding" {
				t.Errorf("Vary %q", got)
			}
			body := rec.Body.Bytes()
			if tc.wantEncoding == "gzip" {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(body, tc.wantBody) {
				t.Errorf("body %q…, want %q…", body[:min(len(body), 40)], tc.wantBody[:min(len(tc.wantBody), 40)])
			}
			if hdr.Get("Content-Length") != "" && hdr.Get("Content-Length") != strconv.Itoa(rec.Body.Len()) {
				t.Errorf("Content-Length %s for %d bytes", hdr.Get("Content-Length"), rec.Body.Len())
			}
		})
	}

	t.Run("HEAD of an encoded asset has headers and no body", func(t *testing.T) {
		rec := get(t, h, http.MethodHead, "/assets/app-1a2b.js", map[string]string{"Accept-Encoding": "br"})
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Encoding") != "br" || rec.Body.Len() != 0 {
			t.Errorf("HEAD: %d %q %d bytes", rec.Code, rec.Header().Get("Content-Encoding"), rec.Body.Len())
		}
	})
	t.Run("files outside assets are not cached for good nor encoded", func(t *testing.T) {
		rec := get(t, h, http.MethodGet, "/favicon.svg", map[string]string{"Accept-Encoding": "br, gzip"})
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Encoding") != "" || strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
			t.Errorf("favicon: %d %q %q", rec.Code, rec.Header().Get("Content-Encoding"), rec.Header().Get("Cache-Control"))
		}
	})
	t.Run("a missing asset is 404 even with a variant name asked", func(t *testing.T) {
		for _, p := range []string{"/assets/gone-00.js", "/assets/gone-00.js.br"} {
			if rec := get(t, h, http.MethodGet, p, map[string]string{"Accept-Encoding": "br"}); rec.Code != http.StatusNotFound {
				t.Errorf("%s: %d", p, rec.Code)
			}
		}
	})
	t.Run("client routes get the uncached shell", func(t *testing.T) {
		rec := get(t, h, http.MethodGet, "/models/1/label", map[string]string{"Accept-Encoding": "br"})
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "id=root") || rec.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("shell: %d %q", rec.Code, rec.Header().Get("Cache-Control"))
		}
	})
}

func TestAccepts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		header, token string
		want          bool
	}{
		{"gzip, deflate, br", "br", true},
		{"gzip, deflate, br;q=0", "br", false},
		{"BR;Q=0.1", "br", true},
		{"*;q=0", "gzip", false},
		{"*", "gzip", true},
		{"br;q=0, *", "br", false},
		{"identity", "gzip", false},
		{"gzip;q=bogus", "gzip", true},
	}
	for _, tc := range cases {
		if got := accepts(tc.header, tc.token); got != tc.want {
			t.Errorf("accepts(%q, %q) = %v, want %v", tc.header, tc.token, got, tc.want)
		}
	}
}

// TestSpaEmbeddedWasmCompressed checks the real embedded build: the RDKit
// wasm (7.4 MB) goes out brotli-compressed with its type. It needs a built
// app (npm run build); without one it skips, saying so.
func TestSpaEmbeddedWasmCompressed(t *testing.T) {
	t.Parallel()
	front := frontend.FS()
	wasm, _ := fs.Glob(front, "assets/*.wasm")
	if len(wasm) == 0 {
		t.Skip("SKIP: frontend/dist holds no built app (run `npm run build --workspace frontend`); the embedded assets were not checked")
	}
	if _, err := fs.Stat(front, wasm[0]+".br"); err != nil {
		t.Fatalf("%s has no precompressed .br beside it: the build did not run scripts/compress.mjs", wasm[0])
	}
	raw, err := fs.ReadFile(front, wasm[0])
	if err != nil {
		t.Fatal(err)
	}
	rec := get(t, spaHandler(front), http.MethodGet, "/"+wasm[0], map[string]string{"Accept-Encoding": "gzip, deflate, br"})
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Encoding") != "br" || rec.Header().Get("Content-Type") != "application/wasm" {
		t.Fatalf("%s: %d, encoding %q, type %q", wasm[0], rec.Code, rec.Header().Get("Content-Encoding"), rec.Header().Get("Content-Type"))
	}
	t.Logf("%s: %d bytes raw, %d sent with brotli (%.0f %%)", wasm[0], len(raw), rec.Body.Len(), 100*float64(rec.Body.Len())/float64(len(raw)))
	if rec.Body.Len()*2 > len(raw) {
		t.Errorf("brotli variant is %d bytes of %d: not compressed", rec.Body.Len(), len(raw))
	}
}
