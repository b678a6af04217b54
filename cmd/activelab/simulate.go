package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"activelab/activelearning/simulation"
	"activelab/ml"
)

func init() {
	register("simulate", command{
		Summary: "replay active learning on a labeled CSV to compare sampling strategies",
		Run:     runSimulate,
	})
}

func runSimulate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	data := fs.String("data", "", "CSV file with a header row (required)")
	smilesCol := fs.String("smiles-column", "smiles", "column holding the SMILES")
	valueCol := fs.String("value-column", "value", "column holding the measured value (0/1 for classification)")
	task := fs.String("task", "", "regression or classification (required)")
	strategies := fs.String("strategies", "random,default", "comma-separated sampling specs: "+
		"uncertainty, margin, entropy, random, hybrid, greedy, ucb, ei, mix (uncertainty+cluster=20+explore=0.5), default or adaptive (the product's default: the explore share chosen per cycle by selfcheck.Policy); add +diverse[=T] (diversity), +cluster[=B] (clustered batches) or +softrank[=P] (a draw weighted by rank^-P), then +explore=F (a random fraction)")
	batch := fs.Int("batch", 25, "labels revealed per cycle")
	cycles := fs.Int("cycles", 15, "selection cycles after the initial model")
	seeds := fs.Int("seeds", 5, "repetitions (seeds first-seed .. first-seed+N-1)")
	firstSeed := fs.Int("first-seed", 0, "first seed of the repetitions")
	initial := fs.Float64("initial", 0.05, "fraction of the non-validation pool labeled at cycle 0")
	validation := fs.Float64("validation", 0.2, "fraction of rows held out for validation")
	splitSeed := fs.Uint64("split-seed", 0, "seed of the validation split")
	ensemble := fs.Int("ensemble", 32, "bootstrap ensemble members")
	learner := fs.String("learner", ml.DefaultLearner.String(), "ensemble member learner: forest, linear or forest+linear (half trees, half linear models)")
	maxDepth := fs.Int("max-depth", 0, "forest: maximum tree depth (0 = unlimited)")
	minLeaf := fs.Int("min-leaf", 0, "forest: minimum rows per leaf (0 = default 1)")
	maxBits := fs.Int("max-bit-features", 0, "forest: fingerprint bits tried per split (0 = sqrt(bits), -1 = all)")
	maxDense := fs.Int("max-dense-features", 0, "forest: descriptors tried per split (0 = default, -1 = all)")
	l2 := fs.Float64("l2", 0, "linear: L2 penalty (0 = default 1)")
	out := fs.String("out", "", "output directory for curves.csv, summary.json, curves.png (required)")
	title := fs.String("title", "", "plot title (default: the data file name)")
	split := fs.String("split", simulation.SplitRandom, "validation split: random, or scaffold (whole Bemis-Murcko scaffolds held out for validation and, with --novel, for part of the pool)")
	novel := fs.Float64("novel", 0, "scaffold split: fraction of the pool whose scaffolds never start a run (0 = 0.5)")
	level := fs.Float64("level", 0, "level of the prediction intervals whose coverage the diagnostics check (0 = 0.9)")
	ablation := fs.Bool("ablation", false, "retrain two extra models per batch (earlier labels + only uncertainty picks, + only random picks) to measure each group's validation gain per label")
	margin := fs.Float64("margin", 0, "adaptive: how much harder than random picks uncertainty picks must be to earn a positive reward (0 = 1.25)")
	classes := fs.String("classes", "", "classification with more than two classes: the class names in index order (low,medium,high); values are class indexes 0..K-1, or numbers binned with --bins")
	bins := fs.String("bins", "", "classification: ascending cut-offs that bin the numeric values into classes (-4,-2: below -4 class 0, below -2 class 1, else class 2); --classes names them (default 0,1,...)")
	allFrags := fs.Bool("all-fragments", false, "featurise every fragment of a multi-fragment SMILES (default: the largest fragment only, salts stripped)")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	if *data == "" || *out == "" {
		return fmt.Errorf("%w: --data and --out are required", errUsage)
	}
	cfg := simulation.Config{
		Batch: *batch, Cycles: *cycles, Seeds: *seeds, FirstSeed: *firstSeed, Initial: *initial, Validation: *validation,
		SplitSeed: *splitSeed, Progress: os.Stderr,
		Split: *split, Novel: *novel, Level: *level, Ablation: *ablation, Margin: *margin,
		Model: ml.EnsembleConfig{Members: *ensemble, L2: *l2, Tree: ml.TreeConfig{
			MaxDepth: *maxDepth, MinSamplesLeaf: *minLeaf, MaxBitFeatures: *maxBits, MaxDenseFeatures: *maxDense,
		}},
	}
	switch *task {
	case "regression":
		cfg.Task = ml.Regression
	case "classification":
		cfg.Task = ml.Classification
	default:
		return fmt.Errorf("%w: --task must be regression or classification, got %q", errUsage, *task)
	}
	cuts, err := parseCuts(*bins)
	if err != nil {
		return fmt.Errorf("%w: --bins: %v", errUsage, err)
	}
	if cfg.Classes = splitClasses(*classes); len(cuts) > 0 && cfg.Classes == nil {
		for k := range len(cuts) + 1 {
			cfg.Classes = append(cfg.Classes, strconv.Itoa(k))
		}
	}
	switch {
	case (len(cuts) > 0 || len(cfg.Classes) > 0) && cfg.Task != ml.Classification:
		return fmt.Errorf("%w: --classes and --bins are for --task classification", errUsage)
	case len(cuts) > 0 && len(cfg.Classes) != len(cuts)+1:
		return fmt.Errorf("%w: %d --bins cut-offs make %d classes, --classes names %d", errUsage, len(cuts), len(cuts)+1, len(cfg.Classes))
	}
	lk, err := ml.ParseLearner(*learner)
	if err != nil {
		return fmt.Errorf("%w: --learner must be forest, linear or forest+linear, got %q", errUsage, *learner)
	}
	cfg.Model.Learner = lk
	for _, s := range strings.Split(*strategies, ",") {
		if s = strings.TrimSpace(s); s != "" {
			cfg.Strategies = append(cfg.Strategies, s)
		}
	}
	for _, s := range cfg.Strategies { // fail fast, before featurising
		if err := simulation.CheckStrategy(s); err != nil {
			return fmt.Errorf("%w: --strategies: %v", errUsage, err)
		}
	}
	f, err := os.Open(*data)
	if err != nil {
		return err
	}
	records, err := simulation.ReadCSV(f, *smilesCol, *valueCol)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", *data, err)
	}
	ds, skipped := simulation.Featurize(records, simulation.FeaturizeOptions{AllFragments: *allFrags})
	if len(cuts) > 0 {
		ds.Y = simulation.BinValues(ds.Y, cuts)
	}
	for _, s := range skipped {
		fmt.Fprintf(os.Stderr, "simulate: skip line %d: %v\n", s.Line, s.Err)
	}
	fmt.Fprintf(os.Stderr, "simulate: %d rows featurised, %d skipped (SMILES that do not parse)\n", ds.X.Rows(), len(skipped))
	res, err := simulation.Run(ctx, ds, cfg)
	if err != nil {
		if errors.Is(err, simulation.ErrConfig) {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		return err
	}
	if *title == "" {
		*title = fmt.Sprintf("%s: active learning (%s)", filepath.Base(*data), *task)
	}
	if err := simulation.WriteFiles(*out, res, ds.X.Rows(), *title); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "simulate: wrote %s\n", *out)
	return nil
}

// parseCuts reads --bins "-4,-2": strictly ascending finite numbers (nil
// when empty).
func parseCuts(s string) ([]float64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []float64
	for part := range strings.SplitSeq(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%q is not a finite number", strings.TrimSpace(part))
		}
		if len(out) > 0 && v <= out[len(out)-1] {
			return nil, fmt.Errorf("cut-offs must ascend (%g after %g)", v, out[len(out)-1])
		}
		out = append(out, v)
	}
	return out, nil
}
