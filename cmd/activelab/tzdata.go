package main

// The time zone database is embedded (about 450 KB) so that the binary
// needs nothing from the system: the container image is FROM scratch.
import _ "time/tzdata"
