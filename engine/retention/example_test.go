package retention_test

import (
	"fmt"
	"time"

	"github.com/cairnbackup/cairn/engine/retention"
)

func Example() {
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	history := []retention.Entry{
		{Recorded: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)},
		{Recorded: time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)},
		{Recorded: time.Date(2026, 11, 25, 10, 5, 0, 0, time.UTC)},
		{Recorded: time.Date(2026, 11, 25, 10, 20, 0, 0, time.UTC)},
		{Recorded: time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC)},
	}
	for i, d := range retention.Apply(history, retention.Default(), now) {
		fmt.Println(history[i].Recorded.Format("2006-01-02 15:04"), d)
	}
	// Output:
	// 2026-03-02 09:00 keep: 7d bucket 2026-03-02
	// 2026-03-20 09:00 keep: 7d bucket 2026-03-16
	// 2026-11-25 10:05 drop: newer entry in 30m bucket 2026-11-25T10:00Z
	// 2026-11-25 10:20 keep: 30m bucket 2026-11-25T10:00Z
	// 2026-11-25 11:00 keep: newest
}
