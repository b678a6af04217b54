//go:build !race

package ml

// studySeeds is the number of random splits the data-set studies of
// interval_test.go train on (see race_test.go).
const studySeeds = 10
