package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"
)

func init() {
	register("probe", command{
		Summary: "GET a URL (default http://127.0.0.1:8080/readyz) and exit 0 on 200: a container health check with no shell or curl",
		Run:     runProbe,
	})
}

// runProbe GETs one URL within a timeout and fails unless it answers 200.
func runProbe(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	url := fs.String("url", "http://127.0.0.1:8080/readyz", "URL that must answer 200")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	conf := bindSettings(fs, "probe") // none: probe reads no environment
	fs.Usage = conf.Usage(fs, "activelab probe [--url URL] [--timeout D]")
	if err := parseFlags(fs, args, conf); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return fmt.Errorf("%w: --url: %v", errUsage, err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("probe %s: %w", *url, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 512))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("probe %s: %s: %s", *url, res.Status, body)
	}
	return nil
}
