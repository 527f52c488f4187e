package repo

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/store"
)

func TestProfileKeepsTheNewestFew(t *testing.T) {
	ctx := context.Background()
	r := TestRepo(t, 0)
	if _, _, ok, err := r.LatestProfile(ctx); ok || err != nil {
		t.Fatalf("a new archive has a profile: %v %v", ok, err)
	}
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for i := range 5 {
		if err := r.SaveProfile(ctx, []byte(fmt.Sprint("profile ", i)), start.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	data, saved, ok, err := r.LatestProfile(ctx)
	if err != nil || !ok || string(data) != "profile 4" || !saved.Equal(start.Add(4*time.Minute)) {
		t.Fatalf("latest: %q %v %v %v", data, saved, ok, err)
	}
	names, _ := r.profiles(ctx)
	if len(names) != profilesKept {
		t.Fatalf("%d profiles kept, want %d", len(names), profilesKept)
	}

	// A damaged newest copy: the one before it is used.
	if err := store.Save(ctx, r.Backend(), store.KindConfig, names[0], []byte("0123456789012345678901234567890123456789")); err != nil {
		t.Fatal(err)
	}
	if data, _, ok, err := r.LatestProfile(ctx); err != nil || !ok || string(data) != "profile 3" {
		t.Fatalf("after damage: %q %v %v", data, ok, err)
	}
}
