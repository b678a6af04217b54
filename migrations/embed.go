// Package migrations holds ActiveLab's SQL schema migrations, one folder per
// SQL dialect, embedded into the binary.
//
// Both folders hold the same migration IDs (YYYYMMDDHHMMSS_name.up.sql and
// .down.sql) and must produce the same tables, columns and unique indexes;
// store's tests check both. store.Open picks the folder for its dialect and
// runs it with bun's migrate package; nothing else should read these files.
package migrations

import (
	"embed"
	"io/fs"
)

// FS holds both dialect folders: sqlite/ and postgres/.
//
//go:embed sqlite/*.sql postgres/*.sql
var FS embed.FS

// SQLite is the folder of SQLite migrations (the root of the returned FS is
// the folder itself, as bun's migrate.Discover expects).
var SQLite fs.FS = sub("sqlite")

// Postgres is the folder of PostgreSQL migrations.
var Postgres fs.FS = sub("postgres")

// sub returns one folder of FS; the folders are embedded, so an error is a
// programmer error.
func sub(dir string) fs.FS {
	f, err := fs.Sub(FS, dir)
	if err != nil {
		panic("migrations: " + err.Error())
	}
	return f
}
