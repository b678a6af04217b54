// Package frontend embeds the built web app (frontend/dist, produced by
// `npm run build`) into the activelab binary.
//
// dist is ignored by git except for dist/.keep, so a clone builds without
// Node: then FS holds no index.html and the server shows a placeholder page
// that says where the API is.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// FS returns the built app rooted at dist/ (index.html at its top level).
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		// fs.Sub fails only for an invalid path; "dist" is a constant.
		panic(err)
	}
	return sub
}
