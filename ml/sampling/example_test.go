package sampling_test

import (
	"fmt"

	"activelab/ml/sampling"
)

func ExampleSelect() {
	pool := []sampling.Candidate{
		{Index: 7, Std: 0.2},
		{Index: 3, Std: 0.9},
		{Index: 5, Std: 0.9}, // ties Index 3: the lower Index ranks first
		{Index: 1, Std: 0.4},
	}
	batch, err := sampling.Select(pool, sampling.Options{
		Strategy:  sampling.Uncertainty,
		BatchSize: 2,
		Exclude:   map[int]bool{3: true}, // already labeled
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(batch)
	// Output: [{5 0.9 false} {1 0.4 false}]
}

func ExampleParseSpec() {
	spec, err := sampling.ParseSpec("mix")
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: strategy %s, cluster %v (beta %g), explore %g\n", spec, spec.Strategy, spec.Cluster, spec.Beta, spec.Explore)
	// Output: uncertainty+cluster=20+explore=0.5: strategy uncertainty, cluster true (beta 20), explore 0.5
}
