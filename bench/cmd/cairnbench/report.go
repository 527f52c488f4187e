//go:build unix

package main

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// report prints the final tables, writes them into the Markdown file, and returns an error when a tool failed
// or restored wrong data. Missed targets are not an error: the run is a measurement.
func (b *bench) report() error {
	block := b.markdown()
	b.printf("\n%s\n", block)
	if b.cfg.out != "-" {
		if err := updateMarkdown(b.cfg.out, benchMarkers, block); err != nil {
			return fmt.Errorf("write %s: %w", b.cfg.out, err)
		}
		b.printf("wrote %s\n", b.cfg.out)
	}
	b.printf("logs in %s; the run took %s\n", b.logs, b.info.took)
	if p := b.problems(); len(p) > 0 {
		return errors.New(strings.Join(p, "\n"))
	}
	return nil
}

// markdown is everything that goes between the bench markers.
func (b *bench) markdown() string {
	var s strings.Builder
	in := b.info
	b.writeHeader(&s, fmt.Sprintf("- Corpus: `mkcorpus gen`, %d files, %s after `mkcorpus modify`.\n",
		in.corpusFiles, fmtBytes(in.corpusBytes)))
	s.WriteString(b.loadLine() + b.restoreLine())
	s.WriteString("\n")
	s.WriteString(cellLegend)
	s.WriteString(b.stepTable())
	s.WriteString("\n### Targets\n\nEach target compares Cairn with the best peer of this run.\n\n")
	s.WriteString(b.targetsTable())
	if st := b.serverTable(); st != "" {
		s.WriteString("\n### Through a Cairn server\n\nThe same corpus backed up by Cairn to a `cairn-server` on this machine " +
			"(HTTPS on 127.0.0.1, a self-signed certificate pinned), next to the folder destination of the table above. " +
			"Throughput is the corpus size divided by the wall time.\n\n")
		s.WriteString(st)
	}
	if p := b.problems(); len(p) > 0 {
		s.WriteString("\n### Problems\n\n")
		for _, line := range p {
			fmt.Fprintf(&s, "- **%s**\n", line)
		}
	}
	s.WriteString("\n### Commands\n\nAll with encryption on and default settings otherwise; " +
		"repository creation is not timed. STATE is the tool's own folder, also its HOME and XDG folders.\n\n")
	for _, line := range b.commandLines() {
		fmt.Fprintf(&s, "- %s\n", line)
	}
	return s.String()
}

// writeHeader writes when and how the run was made, on what machine, the corpus line and the tools' versions.
func (b *bench) writeHeader(s *strings.Builder, corpusLine string) {
	in := b.info
	runs := fmt.Sprintf("best of %d runs", in.runs)
	if in.runs == 1 {
		runs = "a single run"
	}
	fmt.Fprintf(s, "Measured %s by `%s`, %s, warm cache; the run took %s.\n\n",
		in.date.Format("2006-01-02 15:04 UTC"), in.command, runs, in.took)
	fmt.Fprintf(s, "- Machine: %d × %s, %s RAM, Linux %s, %s.\n", in.nproc, in.cpu, fmtBytes(in.memory), in.kernel, in.os)
	s.WriteString(corpusLine)
	s.WriteString("- Tools:")
	for i, r := range b.results {
		sep := ","
		if i == len(b.results)-1 {
			sep = "."
		}
		v := r.version
		if v == "" {
			v = "not run"
		}
		fmt.Fprintf(s, " %s `%s`%s", r.name, v, sep)
	}
	s.WriteString("\n")
}

// cellLegend says how to read the step tables.
const cellLegend = "Each step cell is wall seconds / CPU seconds (user + system) / peak RSS in MiB, from the repetition " +
	"with the shortest wall time. A ratio column is that peer's figure divided by Cairn's: above 1 means Cairn is " +
	"faster, leaner or smaller. Peak memory is the highest RSS of any repetition of any step.\n\n"

// loadLine says how busy the rest of the machine was during the reported runs: the figures only mean something
// on an otherwise idle machine.
func (b *bench) loadLine() string {
	var load float64
	where := ""
	for _, r := range b.results {
		if l, s := r.noisiest(); l > load {
			load, where = l, fmt.Sprintf("%s, %s", r.name, stepNames[s])
		}
	}
	if load > noisyLoad {
		return fmt.Sprintf("- **Background load: other programs kept up to %.2f of %d cores busy during a reported run (%s): "+
			"the machine was not idle, so the times are too long and the ratios unreliable.**\n", load, b.info.nproc, where)
	}
	return fmt.Sprintf("- Background load: other programs used at most %.2f cores during the reported runs.\n", load)
}

func (b *bench) cairn() *result {
	for _, r := range b.results {
		if r.name == "cairn" {
			return r
		}
	}
	return nil
}

// stepTable is the main table: one row per step, one column per tool, and a ratio column after each peer when
// Cairn is part of the run.
func (b *bench) stepTable() string {
	c := b.cairn()
	header := []string{"Step"}
	for _, r := range b.results {
		header = append(header, r.name)
		if c != nil && r != c {
			header = append(header, "ratio")
		}
	}
	row := func(label string, cell func(r *result) string, ratio func(p, c *result) string) []string {
		out := []string{label}
		for _, r := range b.results {
			out = append(out, cell(r))
			if c != nil && r != c {
				out = append(out, ratio(r, c))
			}
		}
		return out
	}
	var rows [][]string
	for _, s := range b.steps {
		rows = append(rows, row(stepNames[s], func(r *result) string { return b.stepCell(r, s) },
			ratioOf(func(r *result) (float64, bool) { x, ok := r.best(s); return x.wall, ok })))
	}
	rows = append(rows,
		row("Peak memory", b.peakCell, ratioOf(completePeak)),
		row("Archive size", b.archiveCell, ratioOf(func(r *result) (float64, bool) {
			return float64(r.archive), r.archive >= 0
		})),
		row("Local cache/index", b.localCell, func(*result, *result) string { return "" }),
		row("Restore check", b.checkCell, func(*result, *result) string { return "" }),
	)
	return mdTable(header, rows)
}

// ratioOf returns a ratio cell: the peer's figure over Cairn's.
func ratioOf(value func(r *result) (float64, bool)) func(p, c *result) string {
	return func(p, c *result) string {
		pv, ok1 := value(p)
		cv, ok2 := value(c)
		if !ok1 || !ok2 {
			return "—"
		}
		return fmtRatio(ratio(pv, cv))
	}
}

// ratio divides a peer's figure by Cairn's; times are never below GNU time's resolution of 0.01 s.
func ratio(peer, cairn float64) float64 { return max(peer, 0.01) / max(cairn, 0.01) }

func (b *bench) stepCell(r *result, s stepID) string {
	if x, ok := r.best(s); ok {
		return fmt.Sprintf("%.2f / %.1f / %.0f", x.wall, x.cpu, mib(x.rss))
	}
	return b.missingCell(r, s)
}

func (b *bench) missingCell(r *result, s stepID) string {
	switch {
	case r.skipped != "":
		return r.skipped
	case r.err != nil && r.failed <= s:
		return "FAILED"
	}
	return "—"
}

func (b *bench) peakCell(r *result) string {
	if p, ok := r.peakRSS(); ok {
		if _, complete := completePeak(r); !complete {
			return fmt.Sprintf("%.0f MiB (partial)", mib(p))
		}
		return fmt.Sprintf("%.0f MiB", mib(p))
	}
	return b.missingCell(r, stepFirst)
}

func (b *bench) archiveCell(r *result) string {
	if r.archive < 0 {
		return b.missingCell(r, stepChanged)
	}
	if b.info.corpusBytes == 0 {
		return fmtBytes(r.archive)
	}
	return fmt.Sprintf("%s (%.0f %%)", fmtBytes(r.archive), 100*float64(r.archive)/float64(b.info.corpusBytes))
}

func (b *bench) localCell(r *result) string {
	if r.local < 0 {
		return b.missingCell(r, stepChanged)
	}
	return fmtBytes(r.local)
}

func (b *bench) checkCell(r *result) string {
	switch {
	case r.check == "ok":
		return "ok"
	case r.restoredWrong():
		return "**WRONG DATA**"
	}
	return b.missingCell(r, stepRestore)
}

// target is one of the goals: Cairn's figure must beat the best peer's by the factor need.
type target struct {
	name    string
	need    float64
	restore bool                            // a tool that restored wrong data has no figure
	value   func(r *result) (float64, bool) // lower is better
	unit    func(float64) string
}

// targets are the goals of `make bench`; a bench-scale run has its own (scaleTargets).
func (b *bench) targets() []target {
	if b.files > 0 {
		return scaleTargets()
	}
	wall := wallOf
	return []target{
		{name: "First backup, wall time", need: 1.4, value: wall(stepFirst), unit: secs},
		{name: "Nothing changed, wall time", need: 1.8, value: wall(stepUnchanged), unit: secs},
		{name: "1 % changed, wall time", need: 1.8, value: wall(stepChanged), unit: secs},
		{name: "Full restore, wall time", need: 3.0, value: wall(stepRestore), unit: secs, restore: true},
		{name: "Peak memory (leanest peer)", need: 1.0, value: completePeak, unit: mibUnit},
		{name: "Archive size (smallest peer)", need: 1.0,
			value: func(r *result) (float64, bool) { return float64(r.archive), r.archive >= 0 },
			unit:  func(v float64) string { return fmtBytes(int64(v)) }},
	}
}

// wallOf returns a target's figure: the best wall time of step s.
func wallOf(s stepID) func(r *result) (float64, bool) {
	return func(r *result) (float64, bool) {
		if (s == stepRestore || s == stepRestoreOne) && r.restoredWrong() {
			return 0, false // a restore that gives wrong data is no benchmark
		}
		x, ok := r.best(s)
		return x.wall, ok
	}
}

func secs(v float64) string { return fmt.Sprintf("%.2f s", v) }

func mibUnit(kib float64) string { return fmt.Sprintf("%.0f MiB", kib/1024) }

// completePeak is the peak RSS of a tool that ran every step: a partial run says nothing about the peak.
func completePeak(r *result) (float64, bool) {
	for _, s := range r.steps {
		if len(r.runs[s]) == 0 {
			return 0, false
		}
	}
	p, ok := r.peakRSS()
	return float64(p), ok
}

func (b *bench) targetsTable() string {
	c := b.cairn()
	header := []string{"Target", "Required", "Best peer", "Peer", "Cairn", "Ratio", "Result"}
	var rows [][]string
	for _, tg := range b.targets() {
		row := []string{tg.name, fmt.Sprintf("≥ %.1f×", tg.need), "—", "—", "—", "—", "—"}
		best, bestName := math.Inf(1), ""
		for _, r := range b.results {
			if v, ok := tg.value(r); ok && r != c && v < best {
				best, bestName = v, r.name
			}
		}
		if bestName != "" {
			row[2], row[3] = bestName, tg.unit(best)
		}
		cv, cok := 0.0, false
		if c != nil {
			cv, cok = tg.value(c)
		}
		switch {
		case cok:
			row[4] = tg.unit(cv)
		case c == nil:
			row[4], row[6] = "not in this run", "not measured"
		case tg.restore && c.restoredWrong():
			row[4], row[6] = "WRONG DATA", "MISS"
		default:
			row[4], row[6] = "FAILED", "MISS"
		}
		if cok && bestName != "" {
			q := ratio(best, cv)
			row[5], row[6] = fmtRatio(q), "MISS"
			if q >= tg.need-1e-9 {
				row[6] = "PASS"
			}
		} else if cok {
			row[6] = "no peer"
		}
		rows = append(rows, row)
	}
	return mdTable(header, rows)
}

// inDir shows a command, and the folder it runs in when that matters.
func inDir(c command) string {
	if c.dir != "" {
		return "`" + c.String() + "` (in " + c.dir + ")"
	}
	return "`" + c.String() + "`"
}

// commandLines describes each tool's commands with placeholders instead of the run's paths.
func (b *bench) commandLines() []string {
	var out []string
	for _, t := range b.tools {
		demo := &tool{name: t.name, bin: t.name, state: "STATE", corpus: "CORPUS", drv: t.drv, seq: 1}
		if t.name == "restic-0.14" || t.name == "restic-0.19.1" {
			demo.bin = "restic"
		}
		var cmds []string
		for _, c := range t.drv.setup(demo) {
			cmds = append(cmds, "`"+c.String()+"`")
		}
		cmds = append(cmds, "`"+t.drv.backup(demo, 1).String()+"`")
		r := t.drv.restore(demo, "T")
		cmds = append(cmds, inDir(r))
		if b.files > 0 {
			cmds = append(cmds, inDir(t.drv.restoreOne(demo, "T", "FILE")))
		}
		out = append(out, fmt.Sprintf("%s: %s", t.name, strings.Join(cmds, ", ")))
	}
	return out
}
