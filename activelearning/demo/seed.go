package demo

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"time"

	"activelab/activelearning"
	"activelab/activelearning/ingest"
	"activelab/auth"
	"activelab/examples"
	"activelab/store"
)

// The demo's names and sizes.
const (
	ModelName       = "ESOL solubility (logS)"
	Endpoint        = "logS"
	PoolSetName     = "ESOL pool"
	LabeledSetName  = "ESOL labeled"
	DefaultEmail    = "admin@localhost"
	DefaultBatch    = 25
	DefaultMembers  = 32
	DefaultLabeled  = 0.25
	trainPollPeriod = 100 * time.Millisecond
)

// Config tunes Seed. Zero values take the defaults.
type Config struct {
	// AdminEmail is the admin's email (default $ACTIVELAB_ADMIN_EMAIL, else
	// admin@localhost).
	AdminEmail string
	// AdminPassword is the admin's password (default
	// $ACTIVELAB_ADMIN_PASSWORD, else generated and printed to Out once).
	AdminPassword string
	// Out receives the generated password (default os.Stderr).
	Out io.Writer
	// Getenv reads the environment (default os.Getenv).
	Getenv func(string) string
	// LabeledFraction of ESOL rows imported with their values (default 0.25),
	// chosen with Seed; the rest form the pool, imported without values.
	LabeledFraction float64
	// Seed fixes the labeled part, the validation split and the selection.
	Seed int64
	// Members is the ensemble size (default 32); BatchSize the first
	// cycle's size (default 25).
	Members, BatchSize int
	// Log receives progress (default slog.Default()).
	Log *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.Getenv == nil {
		c.Getenv = os.Getenv
	}
	if c.AdminEmail == "" {
		c.AdminEmail = c.Getenv("ACTIVELAB_ADMIN_EMAIL")
	}
	if c.AdminEmail == "" {
		c.AdminEmail = DefaultEmail
	}
	if c.AdminPassword == "" {
		c.AdminPassword = c.Getenv("ACTIVELAB_ADMIN_PASSWORD")
	}
	if c.Out == nil {
		c.Out = os.Stderr
	}
	if c.LabeledFraction <= 0 || c.LabeledFraction >= 1 {
		c.LabeledFraction = DefaultLabeled
	}
	if c.Members <= 0 {
		c.Members = DefaultMembers
	}
	if c.BatchSize <= 0 {
		c.BatchSize = DefaultBatch
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	return c
}

// Result says what Seed did.
type Result struct {
	// Seeded is false when the database was left as it was.
	Seeded bool
	// SeededElsewhere is true when another process (a second replica
	// starting on the same empty database) created the demo admin first
	// and is seeding the demo; this call left the database as it was.
	SeededElsewhere bool
	// Admin is the demo admin (nil when Seeded is false and no demo was finished).
	Admin *store.User
	// GeneratedPassword is the admin's password when Seed made it up.
	GeneratedPassword string
	// ModelID is the demo model's lineage id; CycleID its first cycle.
	ModelID, CycleID store.ID
	// Labeled and Pool are the import reports of the two parts.
	Labeled, Pool *activelearning.ImportReport
}

// Seed fills an empty database with the demo (see the package doc). svc must
// have its job client set and working (the model trains in a River job,
// which Seed waits for); st is svc's store. On a database with users it does
// nothing, except finish a demo whose model exists without a cycle.
func Seed(ctx context.Context, svc *activelearning.Service, st *store.Store, cfg Config) (*Result, error) {
	cfg = cfg.withDefaults()
	n, err := st.CountUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if n > 0 {
		return resume(ctx, svc, st, cfg)
	}
	res := &Result{Seeded: true}
	password := cfg.AdminPassword
	if password == "" {
		if password, err = generatePassword(); err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		res.GeneratedPassword = password
	}
	admin, err := auth.NewService(st, auth.Options{}).CreateUserAsOperator(ctx, auth.NewUser{
		Email: cfg.AdminEmail, Name: "Demo admin", Role: store.RoleAdmin, Password: password})
	if errors.Is(err, store.ErrConflict) {
		// The admin is the seed's first write: the process that created
		// it seeds the rest, so a replica that lost the race stops here.
		return &Result{SeededElsewhere: true}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("demo: create admin %s: %w", cfg.AdminEmail, err)
	}
	res.Admin = admin
	if res.GeneratedPassword != "" {
		fmt.Fprintf(cfg.Out, "\nActiveLab demo admin: %s  password: %s\n(shown once; set ACTIVELAB_ADMIN_PASSWORD to choose it)\n\n", admin.Email, password)
	}

	labeled, pool, err := splitESOL(cfg)
	if err != nil {
		return nil, err
	}
	if res.Labeled, err = svc.ImportCompounds(ctx, admin, activelearning.ImportInput{
		SetName: LabeledSetName, Endpoint: Endpoint, Source: store.SourceExperimental, Rows: labeled}); err != nil {
		return nil, fmt.Errorf("demo: import labeled ESOL: %w", err)
	}
	if res.Pool, err = svc.ImportCompounds(ctx, admin, activelearning.ImportInput{SetName: PoolSetName, Rows: pool}); err != nil {
		return nil, fmt.Errorf("demo: import ESOL pool: %w", err)
	}
	cfg.Log.Info("demo: ESOL imported", "labeled", len(labeled), "pool", len(pool),
		"compounds", res.Labeled.Created+res.Pool.Created, "measurements", res.Labeled.Measurements)

	m, err := svc.CreateModel(ctx, admin, activelearning.CreateModelInput{
		Name: ModelName, Endpoint: Endpoint, Task: store.TaskRegression, Members: cfg.Members,
		Split: activelearning.SplitInput{Kind: "random", Fraction: 0.2, Seed: cfg.Seed}, Seed: cfg.Seed})
	if err != nil {
		return nil, fmt.Errorf("demo: create model: %w", err)
	}
	res.ModelID = m.ID
	return res, finish(ctx, svc, st, admin, m.ID, cfg, res)
}

// resume finishes a demo whose model exists but has no cycle yet; anything
// else is left alone.
func resume(ctx context.Context, svc *activelearning.Service, st *store.Store, cfg Config) (*Result, error) {
	res := &Result{}
	models, err := svc.Models(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	var model *store.MLModel
	for _, m := range models {
		if m.Name == ModelName {
			model = m
		}
	}
	if model == nil {
		return res, nil
	}
	// Models lists each lineage's latest version, which is not the
	// lineage's id once the model has been retrained.
	lineage := model.LineageID
	if lineage == store.NilID {
		lineage = model.ID
	}
	cycles, err := svc.Cycles(ctx, lineage)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	res.ModelID = lineage
	if len(cycles) > 0 {
		res.CycleID = cycles[0].ID
		return res, nil
	}
	admin, err := st.UserByEmail(ctx, cfg.AdminEmail)
	if err != nil {
		return nil, fmt.Errorf("demo: finish the demo as %s: %w", cfg.AdminEmail, err)
	}
	res.Seeded, res.Admin = true, admin
	return res, finish(ctx, svc, st, admin, lineage, cfg, res)
}

// finish waits for the model to train, then selects the first cycle from the pool.
func finish(ctx context.Context, svc *activelearning.Service, st *store.Store, admin *store.User, lineage store.ID, cfg Config, res *Result) error {
	cfg.Log.Info("demo: waiting for the model to train", "model", ModelName, "members", cfg.Members)
	v, err := waitTrained(ctx, svc, lineage)
	if err != nil {
		return err
	}
	if v.Status != store.ModelActive {
		return fmt.Errorf("demo: model %q is %s: %s", ModelName, v.Status, v.Error)
	}
	pool, err := st.CompoundSetByName(ctx, PoolSetName)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	c, err := svc.SelectSamples(ctx, admin, activelearning.SelectInput{
		ModelID: lineage, SetID: pool.ID, Strategy: "default", BatchSize: cfg.BatchSize, Seed: cfg.Seed})
	if err != nil {
		return fmt.Errorf("demo: select the first cycle: %w", err)
	}
	res.CycleID = c.ID
	cfg.Log.Info("demo: first cycle selected", "cycle", c.ID, "batch", cfg.BatchSize, "metrics", string(v.Metrics))
	return nil
}

// waitTrained polls until the lineage's latest version has left training.
func waitTrained(ctx context.Context, svc *activelearning.Service, lineage store.ID) (*store.MLModel, error) {
	t := time.NewTicker(trainPollPeriod)
	defer t.Stop()
	for {
		vs, err := svc.ModelVersions(ctx, lineage)
		if err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		if n := len(vs); n > 0 && vs[n-1].Status != store.ModelTraining {
			return vs[n-1], nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("demo: wait for the model to train: %w", ctx.Err())
		case <-t.C:
		}
	}
}

// splitESOL reads the embedded ESOL and splits its rows: a fraction, chosen
// with cfg.Seed, keeps its values; the rest lose them.
func splitESOL(cfg Config) (labeled, pool []ingest.Row, err error) {
	r, err := ingest.NewCSVReader(bytes.NewReader(examples.ESOL), ingest.Options{ValueColumn: "value"})
	if err != nil {
		return nil, nil, fmt.Errorf("demo: ESOL: %w", err)
	}
	rows, bad, err := ingest.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("demo: ESOL: %w", err)
	}
	if len(bad) > 0 {
		return nil, nil, fmt.Errorf("demo: ESOL: %w", &bad[0])
	}
	rng := mrand.New(mrand.NewPCG(uint64(cfg.Seed), 0x45534f4c)) // "ESOL"
	perm := rng.Perm(len(rows))
	k := int(cfg.LabeledFraction*float64(len(rows)) + 0.5)
	for i, j := range perm {
		row := rows[j]
		if i < k {
			labeled = append(labeled, row)
		} else {
			row.Value = nil
			pool = append(pool, row)
		}
	}
	return labeled, pool, nil
}

// generatePassword returns 128 random bits, base64url (22 characters).
func generatePassword() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", errors.New("generate a password: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
