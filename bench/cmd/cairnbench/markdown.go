//go:build unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// mdTable renders a Markdown table padded into columns, readable both on a terminal and rendered. The first
// column is left-aligned, the others right-aligned.
func mdTable(header []string, rows [][]string) string {
	width := make([]int, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c), 3)
		}
	}
	var s strings.Builder
	line := func(cells []string) {
		for i, c := range cells {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i == 0 {
				fmt.Fprintf(&s, "| %s%s ", c, pad)
			} else {
				fmt.Fprintf(&s, "| %s%s ", pad, c)
			}
		}
		s.WriteString("|\n")
	}
	line(header)
	for i := range header {
		if i == 0 {
			fmt.Fprintf(&s, "|%s", strings.Repeat("-", width[i]+2))
		} else {
			fmt.Fprintf(&s, "|%s:", strings.Repeat("-", width[i]+1))
		}
	}
	s.WriteString("|\n")
	for _, r := range rows {
		line(r)
	}
	return s.String()
}

// markers delimit the part of the Markdown file that a run rewrites. heading, when set, goes before the markers
// the first time they are added to a file.
type markers struct{ begin, end, heading string }

var (
	benchMarkers = markers{begin: "<!-- bench:begin -->", end: "<!-- bench:end -->"}
	scaleMarkers = markers{begin: "<!-- bench-scale:begin -->", end: "<!-- bench-scale:end -->",
		heading: "## Many small files (`make bench-scale`)\n\n" +
			"Trees of small files shaped like a home folder's (bench/README.md says how they are made), measured as\n" +
			"`make bench` measures the standard corpus, with a single-file restore too. The part between the markers\n" +
			"below is rewritten by each run of `make bench-scale`.\n\n"}
)

const performanceIntro = `# Performance

Cairn is measured side by side with restic, kopia and borg on the same machine, in the same run, by ` + "`make bench`" + `
(see bench/README.md for what it measures and how to read it). The part between the markers below is rewritten by
each run; the rest of this file is kept as it is.

`

// updateMarkdown replaces what lies between the markers m in path with block, creating the file (with a short
// introduction) or the markers (at the end) when missing. Everything outside the markers is kept.
func updateMarkdown(path string, m markers, block string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(spliceBlock(string(old), m, block)), 0o644)
}

func spliceBlock(doc string, m markers, block string) string {
	inner := m.begin + "\n" + strings.TrimRight(block, "\n") + "\n" + m.end
	i := strings.Index(doc, m.begin)
	j := strings.Index(doc, m.end)
	switch {
	case doc == "":
		return performanceIntro + m.heading + inner + "\n"
	case i >= 0 && j > i:
		return doc[:i] + inner + doc[j+len(m.end):]
	default:
		return strings.TrimRight(doc, "\n") + "\n\n" + m.heading + inner + "\n"
	}
}

func mib(kib int64) float64 { return float64(kib) / 1024 }

func fmtRatio(q float64) string { return fmt.Sprintf("%.2f×", q) }

// fmtBytes prints binary units, as du -h does.
func fmtBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
