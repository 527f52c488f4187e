package retention

import (
	"testing"
	"time"
)

func TestApply(t *testing.T) {
	keepAllDay := Policy{
		Tiers:       []Tier{{Within: Duration(day), Every: KeepAll}, {Within: Duration(30 * day), Every: Width(day)}},
		Older:       Month,
		DeletedKeep: Duration(30 * day),
	}
	cases := []struct {
		name   string
		policy *Policy // nil: Default()
		now    string  // "": 2026-11-25 15:00, a Wednesday
		rows   []row
	}{
		{
			name: "a single version is the newest",
			rows: []row{{"2026-11-25 14:00", "keep: newest"}},
		},
		{
			name: "in the last week, 30 minute buckets are clock half-hours",
			rows: []row{
				{"2026-11-25 10:00", "drop: newer entry in 30m bucket 2026-11-25T10:00Z"}, // 10:29 is 29 minutes later, same slot
				{"2026-11-25 10:29", "keep: 30m bucket 2026-11-25T10:00Z"},
				{"2026-11-25 11:00", "keep: 30m bucket 2026-11-25T11:00Z"}, // 11:31 is 31 minutes later, next slot
				{"2026-11-25 11:31", "keep: 30m bucket 2026-11-25T11:30Z"},
				{"2026-11-25 12:29", "keep: 30m bucket 2026-11-25T12:00Z"}, // 2 minutes apart, across a boundary
				{"2026-11-25 12:31", "keep: 30m bucket 2026-11-25T12:30Z"},
				{"2026-11-25 14:50", "keep: newest"},
			},
		},
		{
			name: "at 8 days old, one version per UTC day",
			rows: []row{
				{"2026-11-16 23:59", "keep: 1d bucket 2026-11-16"},
				{"2026-11-17 09:00", "drop: newer entry in 1d bucket 2026-11-17"},
				{"2026-11-17 18:00", "keep: 1d bucket 2026-11-17"},
				{"2026-11-25 14:50", "keep: newest"},
			},
		},
		{
			name: "exactly 7 days old is still the 30 minute tier; a day is judged against newer entries of any tier",
			rows: []row{
				{"2026-11-18 14:59", "drop: newer entry in 1d bucket 2026-11-18"},
				{"2026-11-18 15:00", "drop: newer entry in 30m bucket 2026-11-18T15:00Z"},
				{"2026-11-18 15:10", "keep: 30m bucket 2026-11-18T15:00Z"},
				{"2026-11-25 14:50", "keep: newest"},
			},
		},
		{
			name: "at 100 days old, one version per ISO week",
			rows: []row{
				{"2026-08-11 09:00", "drop: newer entry in 7d bucket 2026-08-10"}, // Tuesday
				{"2026-08-13 18:00", "keep: 7d bucket 2026-08-10"},                // Thursday
				{"2026-08-17 09:00", "keep: 7d bucket 2026-08-17"},                // next Monday
				{"2026-11-25 14:50", "keep: newest"},
			},
		},
		{
			name: "a week across the end of a month counts as two buckets",
			rows: []row{
				{"2026-06-30 10:00", "keep: 7d bucket 2026-06-29"}, // Tuesday
				{"2026-07-02 10:00", "drop: newer entry in 7d bucket 2026-07-01"},
				{"2026-07-03 10:00", "keep: 7d bucket 2026-07-01"}, // Friday, same ISO week
				{"2026-11-25 14:50", "keep: newest"},
			},
		},
		{
			name: "at 2 years old, one version per calendar month",
			rows: []row{
				{"2024-11-05 10:00", "drop: newer entry in month bucket 2024-11"},
				{"2024-11-20 10:00", "keep: month bucket 2024-11"},
				{"2024-12-01 00:00", "keep: month bucket 2024-12"},
				{"2026-11-25 14:50", "keep: newest"},
			},
		},
		{
			name: "the newest version of a live file stays, however old",
			rows: []row{{"2021-10-01 12:00", "keep: newest"}},
		},
		{
			name: "the newest version of a live file stays, even with an older one in its month",
			rows: []row{
				{"2021-10-01 12:00", "drop: newer entry in month bucket 2021-10"},
				{"2021-10-20 12:00", "keep: newest"},
			},
		},
		{
			name: "deleted 89 days ago: the marker and the last version stay, older versions are thinned",
			rows: []row{
				{"2026-07-20 10:00", "drop: newer entry in 7d bucket 2026-07-20"},
				{"2026-07-20 11:00", "keep: 7d bucket 2026-07-20"},
				{"2026-08-28 09:00", "drop: newer entry in 1d bucket 2026-08-28"},
				{"2026-08-28 14:00", "keep: last version before deletion"},
				{"deleted 2026-08-28 15:00", "keep: deleted, kept for deletedKeep"},
			},
		},
		{
			name: "deleted exactly 90 days ago: still kept",
			now:  "2026-11-26 15:00",
			rows: []row{
				{"2026-08-28 14:00", "keep: last version before deletion"},
				{"deleted 2026-08-28 15:00", "keep: deleted, kept for deletedKeep"},
			},
		},
		{
			name: "deleted 91 days ago: everything goes",
			now:  "2026-11-27 15:00",
			rows: []row{
				{"2026-07-20 10:00", "drop: expired: deleted longer than deletedKeep ago"},
				{"2026-07-20 11:00", "drop: expired: deleted longer than deletedKeep ago"},
				{"2026-08-28 09:00", "drop: expired: deleted longer than deletedKeep ago"},
				{"2026-08-28 14:00", "drop: expired: deleted longer than deletedKeep ago"},
				{"deleted 2026-08-28 15:00", "drop: expired: deleted longer than deletedKeep ago"},
			},
		},
		{
			name: "a lone deletion marker",
			rows: []row{{"deleted 2026-11-01 12:00", "keep: deleted, kept for deletedKeep"}},
		},
		{
			name: "deleted and re-created: markers are thinned like versions",
			rows: []row{
				{"2026-11-20 10:00", "drop: newer entry in 30m bucket 2026-11-20T10:00Z"},
				{"deleted 2026-11-20 10:10", "keep: 30m bucket 2026-11-20T10:00Z"}, // gone at the end of the slot
				{"2026-11-20 11:05", "drop: newer entry in 30m bucket 2026-11-20T11:00Z"},
				{"2026-11-20 11:20", "keep: 30m bucket 2026-11-20T11:00Z"},
				{"deleted 2026-11-22 09:00", "drop: newer entry in 30m bucket 2026-11-22T09:00Z"},
				{"2026-11-22 09:10", "keep: newest"},
			},
		},
		{
			name: "re-created and deleted again: the newest marker protects the version before it",
			rows: []row{
				{"2026-11-20 10:00", "keep: 30m bucket 2026-11-20T10:00Z"},
				{"deleted 2026-11-20 11:00", "keep: 30m bucket 2026-11-20T11:00Z"},
				{"2026-11-21 12:00", "drop: newer entry in 30m bucket 2026-11-21T12:00Z"},
				{"2026-11-21 12:05", "keep: last version before deletion"},
				{"deleted 2026-11-21 12:10", "keep: deleted, kept for deletedKeep"},
			},
		},
		{
			name: "versions from the future are kept, and count as newer entries",
			rows: []row{
				{"2026-11-25 14:40", "keep: 30m bucket 2026-11-25T14:30Z"},
				{"2026-11-25 15:00", "drop: newer entry in 30m bucket 2026-11-25T15:00Z"},
				{"2026-11-25 15:20", "keep: future"},
				{"2026-11-25 16:00", "keep: future"},
			},
		},
		{
			name:   "a custom policy that keeps everything from the last 24 hours",
			policy: &keepAllDay,
			rows: []row{
				{"2026-11-23 10:00", "drop: newer entry in 1d bucket 2026-11-23"},
				{"2026-11-23 11:00", "keep: 1d bucket 2026-11-23"},
				{"2026-11-24 14:59", "drop: newer entry in 1d bucket 2026-11-24"},
				{"2026-11-24 15:00", "keep: keep-all tier"}, // exactly 24 hours old
				{"2026-11-24 15:01", "keep: keep-all tier"},
				{"2026-11-25 14:58", "keep: keep-all tier"},
				{"2026-11-25 14:59", "keep: newest"},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := Default()
			if tc.policy != nil {
				p = *tc.policy
			}
			now := at(t, "2026-11-25 15:00")
			if tc.now != "" {
				now = at(t, tc.now)
			}
			checkRows(t, p, now, tc.rows)
		})
	}
}

func TestApplyEmpty(t *testing.T) {
	if got := Apply(nil, Default(), at(t, "2026-11-25 15:00")); len(got) != 0 {
		t.Errorf("got %v for no entries", got)
	}
}

func TestApplyToReusesMemory(t *testing.T) {
	entries := make([]Entry, 1000)
	start := at(t, "2023-01-01 00:00")
	for i := range entries {
		entries[i] = Entry{Recorded: start.Add(time.Duration(i) * 17 * time.Hour), Deleted: i%97 == 96}
	}
	p, now := Default(), at(t, "2026-11-25 15:00")
	dst := ApplyTo(nil, entries, p, now)
	allocs := testing.AllocsPerRun(10, func() {
		dst = ApplyTo(dst, entries, p, now)
	})
	if allocs != 0 {
		t.Errorf("ApplyTo with a large enough dst allocated %v times per run", allocs)
	}
	if len(ApplyTo(dst, entries[:3], p, now)) != 3 {
		t.Error("ApplyTo into a longer dst did not shorten it")
	}
}

func BenchmarkApplyTo(b *testing.B) {
	// A busy file: a version every 10 minutes for 3 years.
	entries := make([]Entry, 3*365*24*6)
	start := at(b, "2023-11-25 15:00")
	for i := range entries {
		entries[i] = Entry{Recorded: start.Add(time.Duration(i) * 10 * time.Minute)}
	}
	p, now := Default(), at(b, "2026-11-25 15:00")
	var dst []Decision
	b.ReportAllocs()
	for b.Loop() {
		dst = ApplyTo(dst, entries, p, now)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(entries)), "ns/entry")
}

func TestInvalidPolicyStillKeepsNewest(t *testing.T) {
	rows := []row{
		{"2020-01-01 10:00", ""},
		{"deleted 2026-11-25 10:00", ""},
		{"2026-11-25 10:01", ""},
	}
	policies := []Policy{
		{},
		{Tiers: []Tier{{Within: Duration(-day), Every: Width(-time.Hour)}}, Older: Width(-time.Nanosecond)},
		{Tiers: []Tier{{Within: Duration(day), Every: Width(1500 * time.Millisecond)}, {Within: Duration(day), Every: KeepAll}}},
	}
	for _, p := range policies {
		got := Apply(history(t, rows), p, at(t, "2026-11-25 15:00"))
		if len(got) != 3 || got[2] != (Decision{Keep: true, Reason: ReasonNewest}) {
			t.Errorf("policy %+v: got %v", p, got)
		}
	}
}
