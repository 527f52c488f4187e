package retention

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(p *Policy)
		want   string // "" for a valid policy
	}{
		{"no tiers, one version per month", func(p *Policy) { p.Tiers = nil }, ""},
		{"keep everything forever", func(p *Policy) { p.Tiers, p.Older = nil, KeepAll }, ""},
		{"keep all, then thin", func(p *Policy) { p.Tiers[0].Every = KeepAll }, ""},
		{"month inside a tier", func(p *Policy) {
			p.Tiers = append(p.Tiers, Tier{Within: Duration(5 * 365 * day), Every: Month})
		}, ""},
		{"negative within", func(p *Policy) { p.Tiers[0].Within = Duration(-time.Hour) },
			"tier 1: within must be positive, got -1h"},
		{"zero within", func(p *Policy) { p.Tiers[0].Within = 0 },
			"tier 1: within must be positive, got 0s"},
		{"negative every", func(p *Policy) { p.Tiers[1].Every = Width(-time.Hour) },
			"tier 2: every must not be negative, got -1h"},
		{"negative older", func(p *Policy) { p.Older = Width(-day) },
			"older: bucket width must not be negative, got -1d"},
		{"zero deletedKeep", func(p *Policy) { p.DeletedKeep = 0 },
			"deletedKeep must be positive, got 0s"},
		{"negative deletedKeep", func(p *Policy) { p.DeletedKeep = Duration(-day) },
			"deletedKeep must be positive, got -1d"},
		{"tiers not increasing", func(p *Policy) { p.Tiers[1].Within = Duration(7 * day) },
			"tier 2: within 7d must be longer than tier 1's 7d"},
		{"tiers out of order", func(p *Policy) { p.Tiers[0], p.Tiers[1] = p.Tiers[1], p.Tiers[0] },
			"tier 2: within 7d must be longer than tier 1's 90d"},
		{"every longer than within", func(p *Policy) { p.Tiers[0].Every = Width(8 * day) },
			"tier 1: every 8d is longer than within 7d"},
		{"a month longer than within", func(p *Policy) { p.Tiers[0].Every = Month },
			"tier 1: every month is longer than within 7d"},
		{"every getting finer", func(p *Policy) { p.Tiers[2].Every = Width(time.Hour) },
			"tier 3: every 1h is finer than tier 2's 1d; buckets must not get finer as versions age"},
		{"older finer than the last tier", func(p *Policy) { p.Older = Width(day) },
			"older: every 1d is finer than tier 3's 7d"},
		{"keep all after thinning", func(p *Policy) { p.Tiers[1].Every = KeepAll },
			"tier 2 keeps all versions, but tier 1 already thins to one per 30m"},
		{"keep all older versions after thinning", func(p *Policy) { p.Older = KeepAll },
			"older keeps all versions, but tier 3 already thins to one per 7d"},
		{"all problems at once", func(p *Policy) { p.Tiers[0].Within = Duration(-time.Hour); p.DeletedKeep = 0 },
			"invalid retention policy: tier 1: within must be positive, got -1h; deletedKeep must be positive, got 0s"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := Default()
			tc.change(&p)
			err := p.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("got %v, want a valid policy", err)
			case tc.want == "":
			case err == nil:
				t.Errorf("got a valid policy, want %q", tc.want)
			case !strings.Contains(err.Error(), tc.want):
				t.Errorf("got %q, want it to say %q", err, tc.want)
			case !errors.Is(err, ErrInvalidPolicy):
				t.Errorf("%v does not wrap ErrInvalidPolicy", err)
			}
		})
	}
}

func TestDefaultJSON(t *testing.T) {
	const want = `{"tiers":[{"within":"7d","every":"30m"},{"within":"90d","every":"1d"},` +
		`{"within":"365d","every":"7d"}],"older":"month","deletedKeep":"90d"}`
	text, err := json.Marshal(Default())
	if err != nil {
		t.Fatal(err)
	}
	if string(text) != want {
		t.Errorf("got %s\nwant %s", text, want)
	}
	var back Policy
	if err := json.Unmarshal(text, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, Default()) {
		t.Errorf("round trip gave %+v", back)
	}
}

func TestPolicyFromConfigText(t *testing.T) {
	const config = `{"tiers": [{"within": "24h", "every": "all"}, {"within": "720h", "every": "1h30m"}],
		"older": "0", "deletedKeep": "36h"}`
	var p Policy
	if err := json.Unmarshal([]byte(config), &p); err != nil {
		t.Fatal(err)
	}
	want := Policy{
		Tiers:       []Tier{{Duration(day), KeepAll}, {Duration(30 * day), Width(90 * time.Minute)}},
		Older:       KeepAll,
		DeletedKeep: Duration(36 * time.Hour),
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("got %+v, want %+v", p, want)
	}
}

func TestTextForms(t *testing.T) {
	durations := []struct {
		text  string
		value time.Duration
		back  string
	}{
		{"30m", 30 * time.Minute, "30m"},
		{"1h30m", 90 * time.Minute, "1h30m"},
		{"2h", 2 * time.Hour, "2h"},
		{"36h", 36 * time.Hour, "36h"},
		{"168h", 7 * day, "7d"},
		{"90d", 90 * day, "90d"},
		{"1.5s", 1500 * time.Millisecond, "1.5s"},
		{"-1h", -time.Hour, "-1h"},
		{"0", 0, "0s"},
	}
	for _, tc := range durations {
		var d Duration
		if err := d.UnmarshalText([]byte(tc.text)); err != nil || time.Duration(d) != tc.value || d.String() != tc.back {
			t.Errorf("%q: got %v (%v) written %q, want %v written %q", tc.text, time.Duration(d), err, d, tc.value, tc.back)
		}
	}
	for _, bad := range []string{"", "7", "7x", "1.5d", "d", "week", "999999999d"} {
		var d Duration
		if err := d.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("duration %q: got %v, want an error", bad, d)
		}
	}
	widths := map[string]Width{"all": KeepAll, "0s": KeepAll, "month": Month, "30m": Width(30 * time.Minute), "7d": Width(7 * day)}
	for text, want := range widths {
		var w Width
		if err := w.UnmarshalText([]byte(text)); err != nil || w != want {
			t.Errorf("width %q: got %v (%v), want %v", text, w, err, want)
		}
	}
	var w Width
	if err := w.UnmarshalText([]byte("fortnight")); err == nil || !strings.Contains(err.Error(), `"all", "month" or a duration`) {
		t.Errorf("width \"fortnight\": got %v, want an error that lists the forms", err)
	}
}
