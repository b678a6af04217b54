//go:build race

package ml

// studySeeds is the number of random splits the data-set studies of
// interval_test.go train on: fewer under the race detector, which makes
// training about ten times slower (the assertions hold for these seeds
// too).
const studySeeds = 4

// raceEnabled reports whether the race detector is on (measurement
// studies skip under it).
const raceEnabled = true
