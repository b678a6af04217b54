//go:build !race

package ml

// studySeeds is the number of random splits the data-set studies of
// interval_test.go train on (see race_test.go).
const studySeeds = 10

// raceEnabled reports whether the race detector is on (measurement
// studies skip under it).
const raceEnabled = false
