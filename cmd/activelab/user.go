package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"activelab/auth"
	"activelab/store"
)

func init() {
	register("user", command{
		Summary: "manage users: 'user create --email E --name N --role viewer|scientist|admin' (password from a prompt or stdin)",
		Run:     runUser,
	})
}

func runUser(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(os.Stderr, "Usage: activelab user create --email E --name N --role viewer|scientist|admin [--database-url URL]")
		fmt.Fprintln(os.Stderr, "The password is read from the terminal (asked twice) or from the first line of standard input.")
		if len(args) == 0 {
			return fmt.Errorf("%w: missing subcommand (create)", errUsage)
		}
		return flag.ErrHelp
	}
	switch args[0] {
	case "create":
		return runUserCreate(ctx, args[1:], os.Stdin, os.Stdout, os.Stderr)
	}
	return fmt.Errorf("%w: unknown user subcommand %q (want create)", errUsage, args[0])
}

// runUserCreate creates a user in the database named by --database-url
// (or ACTIVELAB_DATABASE_URL), which may be in use by a running server.
func runUserCreate(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	conf := bindSettings(fs, "user create")
	email := fs.String("email", "", "email address, used to log in (required)")
	name := fs.String("name", "", "display name (required)")
	roleFlag := fs.String("role", string(auth.RoleViewer), "role: viewer, scientist or admin")
	fs.Usage = conf.Usage(fs, "activelab user create --email E --name N --role ROLE  (password: prompt or first line of stdin)")
	if err := parseFlags(fs, args, conf); err != nil {
		return err
	}
	if *email == "" || *name == "" {
		return fmt.Errorf("%w: --email and --name are required", errUsage)
	}
	role, err := auth.ParseRole(*roleFlag)
	if err != nil {
		return fmt.Errorf("%w: --%v", errUsage, err)
	}
	password, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	if err := auth.CheckPassword(password); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}

	st, err := openStore(ctx, conf.String("DatabaseURL"))
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := auth.NewService(st, auth.Options{}).CreateUserAsOperator(ctx, auth.NewUser{Email: *email, Name: *name, Role: role, Password: password})
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("a user with email %q already exists", *email)
	}
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	fmt.Fprintf(stdout, "created user %d: %s <%s>, role %s\n", u.ID, u.Name, u.Email, u.Role)
	return nil
}

// readPassword asks twice on a terminal (echo off) or reads the first line
// of a non-terminal stdin (a pipe or file: `echo "$PW" | activelab user create ...`).
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && isTerminal(f) {
		fmt.Fprint(stderr, "Password: ")
		p1, err := readHidden(f)
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(stderr, "Repeat password: ")
		p2, err := readHidden(f)
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if p1 != p2 {
			return "", fmt.Errorf("%w: the passwords differ", errUsage)
		}
		return p1, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("%w: no password on stdin (give it as the first line, or run in a terminal to be asked)", errUsage)
	}
	return line, nil
}
