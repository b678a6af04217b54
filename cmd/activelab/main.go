// Command activelab is the ActiveLab server and its command-line tools.
//
// Usage:
//
//	activelab [command] [flags]
//
// Without a command it serves (the same as "activelab serve"). Each command
// lives in its own file of this package and registers itself in init.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand of the activelab binary.
type command struct {
	// Summary is one line for the usage listing.
	Summary string
	// Run executes the command with the arguments after its name.
	Run func(ctx context.Context, args []string) error
}

// commands holds every registered subcommand by name.
var commands = map[string]command{}

// register adds a subcommand; it panics on a duplicate name (a programmer error).
func register(name string, c command) {
	if _, dup := commands[name]; dup {
		panic("activelab: duplicate command " + name)
	}
	commands[name] = c
}

// errUsage marks an error caused by bad arguments: the exit status is 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:]))
}

func run(ctx context.Context, args []string) int {
	name := "serve"
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		usage()
		return 0
	}
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "activelab: unknown command %q\n\n", name)
		usage()
		return 2
	}
	if err := c.Run(ctx, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(os.Stderr, "activelab %s: %v\n", name, err)
		if errors.Is(err, errUsage) {
			return 2
		}
		return 1
	}
	return 0
}

func usage() {
	fmt.Fprintln(os.Stderr, "Usage: activelab [command] [flags]   (no command: serve)")
	fmt.Fprintln(os.Stderr, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-10s %s\n", n, commands[n].Summary)
	}
	fmt.Fprintln(os.Stderr, "\nRun 'activelab COMMAND -h' for a command's flags.")
}
