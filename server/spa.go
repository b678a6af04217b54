package server

import (
	_ "embed"
	"errors"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed placeholder.html
var placeholderPage []byte

// spaHandler serves the built web app from fsys: files as they are, client
// routes (paths whose last segment has no extension) fall back to
// index.html, missing assets are 404. When fsys has no index.html (the app
// is not built), routes get a placeholder page that says where the API is.
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
