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

// The markers delimit the part of the Markdown file that each run rewrites.
const (
	beginMarker = "<!-- bench:begin -->"
	endMarker   = "<!-- bench:end -->"
)

const performanceIntro = `# Performance

Cairn is measured side by side with restic, kopia and borg on the same machine, in the same run, by ` + "`make bench`" + `
(see bench/README.md for what it measures and how to read it). The part between the markers below is rewritten by
each run; the rest of this file is kept as it is.

`

// updateMarkdown replaces what lies between the markers in path with block, creating the file (with a short
// introduction) or the markers (at the end) when missing. Everything outside the markers is kept.
func updateMarkdown(path, block string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(spliceBlock(string(old), block)), 0o644)
}

func spliceBlock(doc, block string) string {
	inner := beginMarker + "\n" + strings.TrimRight(block, "\n") + "\n" + endMarker
	i := strings.Index(doc, beginMarker)
	j := strings.Index(doc, endMarker)
	switch {
	case doc == "":
		return performanceIntro + inner + "\n"
	case i >= 0 && j > i:
		return doc[:i] + inner + doc[j+len(endMarker):]
	default:
		return strings.TrimRight(doc, "\n") + "\n\n" + inner + "\n"
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
