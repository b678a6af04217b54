package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"activelab/auth"
	"activelab/store"
)

func init() {
	register("token", command{
		Summary: "API tokens: 'token create --email E --name N [--expires-in 720h]' prints only the token",
		Run:     runToken,
	})
}

func runToken(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(os.Stderr, "Usage: activelab token create --email E --name N [--expires-in DURATION] [--database-url URL]")
		fmt.Fprintln(os.Stderr, "Prints only the token on standard output; it is shown once.")
		if len(args) == 0 {
			return fmt.Errorf("%w: missing subcommand (create)", errUsage)
		}
		return flag.ErrHelp
	}
	switch args[0] {
	case "create":
		return runTokenCreate(ctx, args[1:], os.Stdout)
	}
	return fmt.Errorf("%w: unknown token subcommand %q (want create)", errUsage, args[0])
}

// runTokenCreate issues an API token for an existing user and writes only
// the token (and a newline) to stdout, so `TOKEN=$(activelab token create ...)` works.
func runTokenCreate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	conf := bindSettings(fs, "token create")
	email := fs.String("email", "", "the user's email (required)")
	name := fs.String("name", "", "what the token is for, e.g. notebook (required)")
	expiresIn := fs.Duration("expires-in", 0, "lifetime, e.g. 720h; 0: never expires")
	fs.Usage = conf.Usage(fs, "activelab token create --email E --name N [--expires-in DURATION]")
	if err := parseFlags(fs, args, conf); err != nil {
		return err
	}
	if *email == "" || *name == "" {
		return fmt.Errorf("%w: --email and --name are required", errUsage)
	}
	if *expiresIn < 0 {
		return fmt.Errorf("%w: --expires-in must not be negative", errUsage)
	}
	var expires *time.Time
	if *expiresIn > 0 {
		t := time.Now().Add(*expiresIn)
		expires = &t
	}
	st, err := openStore(ctx, conf.String("DatabaseURL"))
	if err != nil {
		return err
	}
	defer st.Close()
	_, secret, err := auth.NewService(st, auth.Options{}).CreateAPITokenForEmail(ctx, *email, *name, expires)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no user with email %q (create one with: activelab user create)", *email)
	}
	if err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	_, err = fmt.Fprintln(stdout, secret)
	return err
}
