package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"activelab/settings"
)

func init() {
	register("config", command{
		Summary: "print the settings table (--markdown: the README's configuration section) or a command's effective settings (--show serve)",
		Run: func(ctx context.Context, args []string) error {
			return runConfig(args, os.Stdout, os.Getenv)
		},
	})
}

// runConfig prints the settings table as Markdown (the default, and
// --markdown), or with --show COMMAND the settings COMMAND would run with
// in this environment: each value and where it came from, secrets hidden.
func runConfig(args []string, stdout io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	fs.Bool("markdown", true, "print the README's configuration section (the default)")
	show := fs.String("show", "", "print the effective settings of this command ("+strings.Join(settings.Commands(), ", ")+") from the environment")
	conf := settings.For("config")
	fs.Usage = conf.Usage(fs, "activelab config [--markdown | --show COMMAND]")
	if err := parseFlagsEnv(fs, args, conf, getenv); err != nil {
		return err
	}
	if *show == "" {
		_, err := io.WriteString(stdout, settings.Markdown())
		return err
	}
	if !slices.Contains(settings.Commands(), *show) {
		return fmt.Errorf("%w: --show: unknown command %q (want one of %s)", errUsage, *show, strings.Join(settings.Commands(), ", "))
	}
	set := settings.For(*show)
	if err := set.Resolve(getenv); err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SETTING\tFLAG\tVALUE\tFROM")
	for _, st := range set.Settings() {
		v := set.Text(st.Name)
		switch {
		case st.Secret && v != "":
			v = "(set)"
		case st.Name == "DatabaseURL":
			v = displayURL(v)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", st.Name, st.FlagName(), v, set.Source(st.Name))
	}
	return tw.Flush()
}
