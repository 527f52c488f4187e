//go:build unix

package main

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// scaleRun is a whole `make bench-scale`: one bench per size, smallest first.
type scaleRun struct {
	runs []*bench
	took time.Duration
}

// report prints the bench-scale tables, writes them between the bench-scale markers, and returns an error when
// a tool failed or restored wrong data.
func (s scaleRun) report() error {
	first := s.runs[0]
	block := s.markdown()
	first.printf("\n%s\n", block)
	if out := first.cfg.out; out != "-" {
		if err := updateMarkdown(out, scaleMarkers, block); err != nil {
			return fmt.Errorf("write %s: %w", out, err)
		}
		first.printf("wrote %s\n", out)
	}
	first.printf("logs in %s; the run took %s\n", first.logs, s.took)
	if p := s.problems(); len(p) > 0 {
		return errors.New(strings.Join(p, "\n"))
	}
	return nil
}

func (s scaleRun) markdown() string {
	var w strings.Builder
	first := s.runs[0]
	info := first.info
	first.info.took = s.took
	first.writeHeader(&w, "- Trees: `mkcorpus gen -files N`; the 1 % change is `mkcorpus modify -files N` "+
		"(a line appended to one file in 200, one file in 1,000 deleted, N/250 new files).\n")
	first.info = info
	w.WriteString("\n" + cellLegend)
	for _, b := range s.runs {
		fmt.Fprintf(&w, "### %s files\n\n", fmtCount(b.files))
		fmt.Fprintf(&w, "- Tree: %s files, %s after the change; the single file restored: `%s`; this size took %s.\n",
			fmtCount(b.info.corpusFiles), fmtBytes(b.info.corpusBytes), b.oneFile, b.info.took)
		w.WriteString(b.loadLine() + b.restoreLine())
		w.WriteString("\n")
		w.WriteString(b.stepTable())
		w.WriteString("\nTargets (the issue sets them for 300,000 and 1,000,000 files):\n\n")
		w.WriteString(b.targetsTable())
		w.WriteString("\n")
	}
	w.WriteString("### Per file, and memory as the tree grows\n\n" +
		"CPU time (user + system) per file of the tree, in µs, of the first backup and of the backup with nothing " +
		"changed, and the peak memory over all steps. The last row divides the largest tree's figures by the " +
		"smallest's: the issue wants Cairn's peak memory at 1,000,000 files at most 1.2× its peak at 30,000.\n\n")
	w.WriteString(s.growthTable())
	if p := s.problems(); len(p) > 0 {
		w.WriteString("\n### Problems\n\n")
		for _, line := range p {
			fmt.Fprintf(&w, "- **%s**\n", line)
		}
	}
	w.WriteString("\n### Commands\n\nAs for `make bench`; FILE is the single file's path inside CORPUS.\n\n")
	for _, line := range first.commandLines() {
		fmt.Fprintf(&w, "- %s\n", line)
	}
	return w.String()
}

// growthTable has one row per size and one column per tool: first-backup µs/file / nothing-changed µs/file /
// peak MiB, then the ratio of the largest size to the smallest.
func (s scaleRun) growthTable() string {
	header := []string{"Files"}
	for _, r := range s.runs[0].results {
		header = append(header, r.name)
	}
	var rows [][]string
	for _, b := range s.runs {
		row := []string{fmtCount(b.files)}
		for _, r := range b.results {
			row = append(row, perFileCell(b.files, r))
		}
		rows = append(rows, row)
	}
	if len(s.runs) > 1 {
		lo, hi := s.runs[0], s.runs[len(s.runs)-1]
		row := []string{fmt.Sprintf("%s ÷ %s", fmtCount(hi.files), fmtCount(lo.files))}
		for i := range lo.results {
			row = append(row, growthCell(lo.results[i], hi.results[i]))
		}
		rows = append(rows, row)
	}
	return mdTable(header, rows)
}

// perFileCell is "µs/file first / µs/file unchanged / peak MiB" of one tool at one size.
func perFileCell(files int, r *result) string {
	first, ok1 := r.best(stepFirst)
	same, ok2 := r.best(stepUnchanged)
	peak, ok3 := completePeak(r)
	if !ok1 || !ok2 || !ok3 {
		return "—"
	}
	us := func(cpu float64) float64 { return cpu * 1e6 / float64(files) }
	return fmt.Sprintf("%.0f / %.0f / %.0f", us(first.cpu), us(same.cpu), peak/1024)
}

// growthCell is the ratio of the peak memory at the largest size to that at the smallest.
func growthCell(lo, hi *result) string {
	a, ok1 := completePeak(lo)
	b, ok2 := completePeak(hi)
	if !ok1 || !ok2 || a <= 0 {
		return "—"
	}
	return fmt.Sprintf("peak %s", fmtRatio(b/a))
}

// problems lists every size's problems, each with its size.
func (s scaleRun) problems() []string {
	var out []string
	for _, b := range s.runs {
		for _, p := range b.problems() {
			out = append(out, fmt.Sprintf("%s files: %s", fmtCount(b.files), p))
		}
	}
	return out
}
