//go:build unix

package main

import "fmt"

// stepID names the timed steps, in the order they run.
type stepID int

const (
	stepFirst      stepID = iota // first backup into an empty repository
	stepUnchanged                // backup with nothing changed
	stepChanged                  // backup after `mkcorpus modify` (~1 % changed)
	stepRestore                  // full restore of the latest backup into an empty folder
	stepRestoreOne               // restore of one file of the latest backup into an empty folder (bench-scale)
	numSteps
)

var stepNames = [numSteps]string{"First backup", "Nothing changed", "1 % changed", "Full restore", "Restore one file"}

// standardSteps are the steps of `make bench`; scaleSteps those of `make bench-scale`, in the order they run.
var (
	standardSteps = []stepID{stepFirst, stepUnchanged, stepChanged, stepRestore}
	scaleSteps    = []stepID{stepFirst, stepUnchanged, stepChanged, stepRestoreOne, stepRestore}
)

// noisyLoad is the background load, in cores, above which a timing is flagged: the kernel's write-back of the
// tool's own writes stays below it on an idle machine.
const noisyLoad = 0.25

// stepKeys name the steps in log file names.
var stepKeys = [numSteps]string{"1-first", "2-unchanged", "3-changed", "4-restore", "4-restore-one"}

// result is what the run learned about one tool.
type result struct {
	name    string
	version string
	steps   []stepID // the steps the run makes, in order
	runs    [numSteps][]sample
	archive int64  // bytes in the repository folder after step 3; -1 until measured
	local   int64  // bytes in the rest of the state folder (caches, index, config); -1 until measured
	skipped string // why the tool did not run at all, for the table: "not installed", "not built"
	err     error  // the first failure; the tool's later steps are skipped
	failed  stepID // the step that failed, when err is set
	check   string // the restore check: "" not done, "ok", else what was wrong
}

func newResult(name string, steps []stepID) *result {
	return &result{name: name, steps: steps, archive: -1, local: -1}
}

// active says whether the tool still takes part.
func (r *result) active() bool { return r.skipped == "" && r.err == nil }

func (r *result) fail(s stepID, err error) {
	if r.err == nil {
		r.err, r.failed = fmt.Errorf("%s: %w", stepNames[s], err), s
	}
}

// best returns the run of step s with the shortest wall time.
func (r *result) best(s stepID) (sample, bool) {
	runs := r.runs[s]
	if len(runs) == 0 {
		return sample{}, false
	}
	b := runs[0]
	for _, x := range runs[1:] {
		if x.wall < b.wall {
			b = x
		}
	}
	return b, true
}

// peakRSS is the highest RSS of any run of any step, in KiB: peak memory is a ceiling, so every run counts.
func (r *result) peakRSS() (int64, bool) {
	var peak int64
	seen := false
	for _, runs := range r.runs {
		for _, x := range runs {
			peak, seen = max(peak, x.rss), true
		}
	}
	return peak, seen
}

// restoredWrong says whether the restore check found wrong data.
func (r *result) restoredWrong() bool { return r.check != "" && r.check != "ok" }

// noisiest returns the highest background load among the reported (fastest) runs, and its step.
func (r *result) noisiest() (float64, stepID) {
	var load float64
	var at stepID
	for _, s := range r.steps {
		if x, ok := r.best(s); ok && x.measurable() && x.other > load {
			load, at = x.other, s
		}
	}
	return load, at
}

// noisy says whether other programs kept the machine measurably busy during the run.
func (x sample) noisy() bool { return x.measurable() && x.other > noisyLoad }

// measurable says whether the run lasted long enough for /proc/stat's 10 ms ticks to tell the background load.
func (x sample) measurable() bool { return x.wall >= 0.5 }
