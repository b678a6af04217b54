// Package settings is the one table of ActiveLab's configuration: every
// setting a command reads from its flags and the environment, with its
// flag name, its ACTIVELAB_* variable, its type, its one default, its
// validation (range or allowed values), its help text and the commands
// that use it.
//
// Everything else is derived from the table:
//
//   - the flags of `activelab serve`, `activelab worker` and of the other
//     commands that share settings (Set.Bind);
//   - environment overrides: a flag given on the command line beats its
//     variable, which beats the default; an empty variable counts as unset
//     (Set.Resolve);
//   - validation, with errors (*Error) naming the setting's flag, the value,
//     and the variable when the value came from the environment;
//   - `--help` text (Set.Usage);
//   - the README's configuration section (Markdown; a test fails when the
//     README drifts from it, `go generate ./settings` rewrites it).
//
// The package imports only the standard library: cmd/activelab turns a
// resolved Set into server.Config, jobs.Config and activelearning.Config,
// and its tests check that the table's defaults are those packages' own
// defaults, so a library caller passing a zero Config gets what the
// command line gets.
//
// # Adding a setting
//
// Add a row to table (table.go) with its commands, then read it where the
// command builds its configuration (cmd/activelab/settings.go), and run
// `go generate ./settings` to regenerate the README section. The tests
// fail when a command's setting is never read, when a flag or variable is
// used twice in one command, or when a row lacks help text.
package settings

//go:generate go test -count=1 -run TestREADMEConfiguration . -update
