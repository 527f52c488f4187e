package repo

import (
	"context"
	"crypto/rand"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/store"
)

// A profile is what a computer says about itself in its archive: its name,
// system, home folder and settings, so that a new computer replacing it can
// take them over (the replace-device wizard). The engine treats it as opaque
// bytes; it is sealed like the version records, and kept as config objects
// named profile-<Unix ns>, of which the newest few are kept.
const (
	profilePrefix = "profile-"
	profilesKept  = 3
	maxProfile    = 1 << 20
)

var profileAD = []byte("cairn profile v1")

// SaveProfile stores a new profile (at most 1 MiB) and removes all but the
// newest few.
func (r *Repo) SaveProfile(ctx context.Context, data []byte, now time.Time) error {
	if len(data) > maxProfile-64 {
		return fmt.Errorf("profile of %d bytes is too large", len(data))
	}
	salt := make([]byte, 32)
	rand.Read(salt)
	obj, err := r.metaSealer().Seal(append([]byte(nil), salt...), salt, data, profileAD)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("%s%019d", profilePrefix, now.UnixNano())
	if err := store.Save(ctx, r.backend, store.KindConfig, name, obj); err != nil {
		return fmt.Errorf("store the profile: %w", err)
	}
	names, err := r.profiles(ctx)
	if err != nil {
		return nil // the new one is stored; old ones go next time
	}
	for _, old := range names[min(len(names), profilesKept):] {
		r.backend.Remove(ctx, store.KindConfig, old)
	}
	return nil
}

// LatestProfile returns the newest profile and when it was saved; ok is
// false when the archive has none (it was made before profiles existed).
func (r *Repo) LatestProfile(ctx context.Context) (data []byte, saved time.Time, ok bool, err error) {
	names, err := r.profiles(ctx)
	if err != nil || len(names) == 0 {
		return nil, time.Time{}, false, err
	}
	for _, name := range names {
		data, err = r.readProfile(ctx, name)
		if err == nil {
			ns, _ := strconv.ParseInt(strings.TrimPrefix(name, profilePrefix), 10, 64)
			return data, time.Unix(0, ns), true, nil
		}
	}
	return nil, time.Time{}, false, err // every copy is damaged: say why
}

// profiles lists the profile objects, newest first.
func (r *Repo) profiles(ctx context.Context) ([]string, error) {
	var names []string
	err := r.backend.List(ctx, store.KindConfig, func(name string, size int64) error {
		if rest, ok := strings.CutPrefix(name, profilePrefix); ok && len(rest) == 19 {
			if _, err := strconv.ParseUint(rest, 10, 63); err == nil {
				names = append(names, name)
			}
		}
		return nil
	})
	sort.Sort(sort.Reverse(sort.StringSlice(names)))
	return names, err
}

func (r *Repo) readProfile(ctx context.Context, name string) ([]byte, error) {
	obj, err := store.Load(ctx, r.backend, store.KindConfig, name, maxProfile)
	if err != nil {
		return nil, err
	}
	if len(obj) < 32 {
		return nil, fmt.Errorf("profile %s: too short: %w", name, engine.ErrDamaged)
	}
	data, err := r.metaSealer().Open(nil, obj[:32], obj[32:], profileAD)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %v: %w", name, err, engine.ErrDamaged)
	}
	return data, nil
}
