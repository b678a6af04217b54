package main

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestTrainCommand(t *testing.T) {
	t.Parallel()
	db := commandDB(t)
	if _, _, err := importRun(t, "--database-url", db, "--file", filepath.Join("..", "..", "examples", "esol.csv"), "--endpoint", "logS", "--set", "ESOL"); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err := runTrain(t.Context(), []string{"--database-url", db, "--name", "ESOL test", "--endpoint", "logS", "--task", "regression",
		"--members", "4", "--split", "scaffold", "--set", "ESOL"}, &out, &errOut)
	if err != nil {
		t.Fatalf("%v\n%s\n%s", err, out.String(), errOut.String())
	}
	hasMatch(t, out.String(), `(?m)^model:         ESOL test \(id [0-9a-f-]{36}, version 1\)$`)
	hasLines(t, out.String(), "status:        active", "endpoint:      logS (regression)", "rmse", "r2")
	if !strings.Contains(errOut.String(), "training 4 members") {
		t.Errorf("stderr = %s", errOut.String())
	}
	// A second model with the same name is a conflict.
	out.Reset()
	err = runTrain(t.Context(), []string{"--database-url", db, "--name", "ESOL test", "--endpoint", "logS", "--task", "regression", "--members", "4"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("second train: %v", err)
	}
}

func TestTrainCommandErrors(t *testing.T) {
	t.Parallel()
	db := commandDB(t)
	tests := []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"missing name", []string{"--endpoint", "logS", "--task", "regression"}, true, "are required"},
		{"bad task", []string{"--name", "m", "--endpoint", "logS", "--task", "ranking"}, true, `--task "ranking"`},
		{"bad split", []string{"--name", "m", "--endpoint", "logS", "--task", "regression", "--split", "time"}, true, `--split "time"`},
		{"unknown set", []string{"--name", "m", "--endpoint", "logS", "--task", "regression", "--set", "nope"}, true, `--set "nope"`},
		{"no measurements", []string{"--name", "m", "--endpoint", "logS", "--task", "regression"}, false, "at least 10"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := runTrain(t.Context(), append([]string{"--database-url", db}, tc.args...), &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), tc.want) || errors.Is(err, errUsage) != tc.usage {
				t.Errorf("err = %v (usage %v), want ~%q usage %v", err, errors.Is(err, errUsage), tc.want, tc.usage)
			}
		})
	}
}
