//go:build linux

package testutil

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// strayEnv marks every process the tests start: children inherit it
// (unless a spec replaces the environment), so a marked process still
// running once the tests are done was left behind.
const strayEnv = "NSH_TEST_RUN"

// markRun sets the marker for this test process and returns its value.
func markRun() string {
	v := strconv.Itoa(os.Getpid())
	os.Setenv(strayEnv, v)
	return v
}

// strays lists the live processes other than this one carrying the mark,
// after giving killed ones a moment to die, and kills what is left so a
// failed run leaves nothing behind either.
func strays(mark string) []string {
	want := []byte(strayEnv + "=" + mark + "\x00")
	var left []string
	for try := 0; try < 50; try++ {
		left = markedProcesses(want)
		if len(left) == 0 {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, l := range left {
		pid, _ := strconv.Atoi(strings.Fields(l)[0])
		syscall.Kill(pid, syscall.SIGKILL)
	}
	return left
}

// markedProcesses lists live (not zombie) processes whose environment
// holds want, as "PID command line".
func markedProcesses(want []byte) []string {
	var out []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, _ := strconv.Atoi(filepath.Base(d))
		if pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(d + "/environ")
		if err != nil || !bytes.Contains(env, want) {
			continue
		}
		stat, _ := os.ReadFile(d + "/stat")
		if bytes.Contains(stat, []byte(") Z")) {
			continue
		}
		cmd, _ := os.ReadFile(d + "/cmdline")
		out = append(out, fmt.Sprintf("%d %s", pid, strings.ReplaceAll(string(cmd), "\x00", " ")))
	}
	return out
}
