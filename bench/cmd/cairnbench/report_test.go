//go:build unix

package main

import (
	"errors"
	"strings"
	"testing"
)

func TestSpliceBlock(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"new file gets the introduction", "", performanceIntro + benchMarkers.begin + "\nNEW\n" + benchMarkers.end + "\n"},
		{"text around the markers is kept",
			"# Perf\n\nbefore\n" + benchMarkers.begin + "\nOLD\n" + benchMarkers.end + "\nafter\n",
			"# Perf\n\nbefore\n" + benchMarkers.begin + "\nNEW\n" + benchMarkers.end + "\nafter\n"},
		{"missing markers are appended", "# Perf\n\nhand-written\n\n\n",
			"# Perf\n\nhand-written\n\n" + benchMarkers.begin + "\nNEW\n" + benchMarkers.end + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := spliceBlock(tt.doc, benchMarkers, "NEW\n"); got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		out  string
		want sample
		bad  bool
	}{
		{out: "12.34 10.50 1.25 204800\n", want: sample{wall: 12.34, cpu: 11.75, rss: 204800}},
		{out: "Command exited with non-zero status 1\n0.05 0.01 0.00 5120\n", want: sample{wall: 0.05, cpu: 0.01, rss: 5120}},
		{out: "Command terminated by signal 9\n", bad: true},
		{out: "", bad: true},
	}
	for _, tt := range tests {
		got, err := parseTime([]byte(tt.out))
		if (err != nil) != tt.bad {
			t.Errorf("parseTime(%q) error = %v, want error %v", tt.out, err, tt.bad)
			continue
		}
		if !tt.bad && (got.rss != tt.want.rss || !near(got.wall, tt.want.wall) || !near(got.cpu, tt.want.cpu)) {
			t.Errorf("parseTime(%q) = %+v, want %+v", tt.out, got, tt.want)
		}
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func TestCompareTrees(t *testing.T) {
	want := tree{"a": {size: 1, sum: [32]byte{1}}, "b": {size: 2, sum: [32]byte{2}}, "c": {size: 3, sum: [32]byte{3}}}
	if d := compareTrees(want, want); d != "" {
		t.Errorf("identical trees differ: %s", d)
	}
	got := tree{"a": {size: 1, sum: [32]byte{9}}, "b": {size: 5, sum: [32]byte{2}}, "x": {size: 1}}
	d := compareTrees(want, got)
	for _, part := range []string{"1 files missing (c)", "1 files unexpected (x)", "1 files of the wrong size (b)",
		"1 files with wrong content (a)"} {
		if !strings.Contains(d, part) {
			t.Errorf("compareTrees = %q, lacks %q", d, part)
		}
	}
}

// results builds a finished run: walls[i] is each tool's wall time for every step, rss and archive likewise.
func benchWith(names []string, walls []float64, rss, archive []int64) *bench {
	b := &bench{info: runInfo{corpusBytes: 1000}, steps: standardSteps}
	for i, n := range names {
		r := newResult(n, standardSteps)
		for s := range numSteps {
			r.runs[s] = []sample{{wall: walls[i] + 1, rss: rss[i]}, {wall: walls[i], rss: rss[i] / 2}}
		}
		r.archive, r.local, r.check = archive[i], 0, "ok"
		b.results = append(b.results, r)
	}
	return b
}

func TestTargets(t *testing.T) {
	b := benchWith([]string{"cairn", "restic", "kopia"}, []float64{10, 30, 14}, []int64{100 << 10, 300 << 10, 90 << 10},
		[]int64{900, 1000, 950})
	table := b.targetsTable()
	for _, want := range []string{
		"| First backup, wall time      |   ≥ 1.4× |     kopia | 14.00 s | 10.00 s | 1.40× |   PASS |",
		"| Nothing changed, wall time   |   ≥ 1.8× |     kopia | 14.00 s | 10.00 s | 1.40× |   MISS |",
		"| Peak memory (leanest peer)   |   ≥ 1.0× |     kopia |  90 MiB | 100 MiB | 0.90× |   MISS |",
		"| Archive size (smallest peer) |   ≥ 1.0× |     kopia |   950 B |   900 B | 1.06× |   PASS |",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("targets table lacks\n%s\nin\n%s", want, table)
		}
	}
}

func TestTargetsIgnoreWrongRestores(t *testing.T) {
	b := benchWith([]string{"cairn", "restic", "kopia"}, []float64{10, 30, 1}, []int64{1, 1, 1}, []int64{1, 1, 1})
	b.results[2].check = "3 files missing"
	if table := b.targetsTable(); !strings.Contains(table, "| Full restore, wall time      |   ≥ 3.0× |    restic |") {
		t.Errorf("a peer that restored wrong data was taken as the fastest restore:\n%s", table)
	}
}

func TestStepTableShowsFailures(t *testing.T) {
	b := benchWith([]string{"cairn", "borg"}, []float64{10, 20}, []int64{1024, 2048}, []int64{10, 20})
	b.results[0].runs[stepRestore] = nil
	b.results[0].check = ""
	b.results[0].fail(stepRestore, errors.New("exit status 1"))
	table := b.stepTable()
	for _, want := range []string{"| First backup      | 10.00 / 0.0 / 0 | 20.00 / 0.0 / 1 | 2.00× |",
		"| Full restore      |          FAILED | 20.00 / 0.0 / 1 |     — |"} {
		if !strings.Contains(table, want) {
			t.Errorf("step table lacks\n%s\nin\n%s", want, table)
		}
	}
}

func TestParseTools(t *testing.T) {
	got, err := parseTools(" kopia,cairn,kopia,, borg")
	if err != nil || strings.Join(got, ",") != "kopia,cairn,borg" {
		t.Errorf("parseTools = %v, %v", got, err)
	}
	if _, err := parseTools("restic"); err == nil {
		t.Error("parseTools accepted an unknown tool")
	}
}

func TestParseSizes(t *testing.T) {
	got, err := parseSizes("30000 300000,1000000")
	if err != nil || len(got) != 3 || got[0] != 30000 || got[2] != 1000000 {
		t.Errorf("parseSizes = %v, %v", got, err)
	}
	for _, bad := range []string{"30k", "-5", "10"} {
		if _, err := parseSizes(bad); err == nil {
			t.Errorf("parseSizes(%q) accepted it", bad)
		}
	}
	if fmtCount(1000000) != "1,000,000" || fmtCount(300) != "300" {
		t.Errorf("fmtCount: %s, %s", fmtCount(1000000), fmtCount(300))
	}
}

func TestScaleMarkersKeepTheStandardTable(t *testing.T) {
	doc := spliceBlock("", benchMarkers, "STANDARD\n")
	doc = spliceBlock(doc, scaleMarkers, "SCALE 1\n")
	doc = spliceBlock(doc, scaleMarkers, "SCALE 2\n")
	if !strings.Contains(doc, "STANDARD") || strings.Contains(doc, "SCALE 1") || !strings.Contains(doc, "SCALE 2") ||
		strings.Count(doc, "## Many small files") != 1 {
		t.Errorf("after two bench-scale runs:\n%s", doc)
	}
}
