package watch

import (
	"fmt"
	"strconv"
	"strings"
)

// problem says in plain words what st leaves uncovered; "" when nothing.
// failure is the first error other than the limit, if any.
func problem(st Status, failure error) string {
	var says []string
	switch {
	case st.Limited:
		allowed := st.Limit
		if allowed == 0 {
			allowed = st.Folders
		}
		says = append(says, fmt.Sprintf("This computer allows watching only %s folders (%s); %s more %s covered by the regular scans.",
			thousands(allowed), limitName, thousands(st.Unwatched), plural(st.Unwatched, "is", "are")))
	case st.Unwatched > 0:
		says = append(says, fmt.Sprintf("%s %s could not be watched (%v); the regular scans cover %s.",
			thousands(st.Unwatched), plural(st.Unwatched, "folder", "folders"), failure, plural(st.Unwatched, "it", "them")))
	}
	for _, m := range st.Missing {
		says = append(says, fmt.Sprintf("%s is not there (is its drive connected?), so it is not being watched.", m))
	}
	return strings.Join(says, " ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// thousands writes n with a comma every three digits: 8192 → "8,192".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
