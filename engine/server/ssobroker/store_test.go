package ssobroker_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/ssobroker"
)

func TestMemStore(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Unix(1_800_000_000, 0)}
	s := ssobroker.NewMemStore(c.Now)
	put := func(key, index, addr string, lim ssobroker.Limit) error {
		return s.Put(ctx, ssobroker.Entry{Kind: ssobroker.KindDevice, Key: key, Index: index, Addr: addr,
			Expires: c.Now().Add(time.Minute), Data: []byte(`"` + key + `"`)}, lim)
	}
	lim := ssobroker.Limit{PerAddr: 2, Total: 3}
	for _, e := range [][3]string{{"k1", "A", "1.1.1.1"}, {"k2", "B", "1.1.1.1"}, {"k3", "", "2.2.2.2"}} {
		if err := put(e[0], e[1], e[2], lim); err != nil {
			t.Fatal(err)
		}
	}
	if err := put("k4", "", "1.1.1.1", ssobroker.Limit{PerAddr: 2}); !errors.Is(err, ssobroker.ErrFull) {
		t.Errorf("a third from one address: %v", err)
	}
	if err := put("k4", "", "3.3.3.3", lim); !errors.Is(err, ssobroker.ErrFull) {
		t.Errorf("a fourth in all: %v", err)
	}
	if err := put("k1", "", "3.3.3.3", ssobroker.Limit{}); !errors.Is(err, ssobroker.ErrExists) {
		t.Errorf("a key twice: %v", err)
	}
	if err := put("k5", "A", "3.3.3.3", ssobroker.Limit{}); !errors.Is(err, ssobroker.ErrExists) {
		t.Errorf("an index twice: %v", err)
	}
	if e, err := s.Find(ctx, ssobroker.KindDevice, "B"); err != nil || e.Key != "k2" {
		t.Errorf("find B: %+v %v", e, err)
	}
	if _, err := s.Find(ctx, ssobroker.KindDevice, ""); !errors.Is(err, ssobroker.ErrNotFound) {
		t.Errorf("find by no index: %v", err)
	}
	if e, err := s.Take(ctx, ssobroker.KindDevice, "k1"); err != nil || string(e.Data) != `"k1"` {
		t.Errorf("take: %+v %v", e, err)
	}
	if _, err := s.Take(ctx, ssobroker.KindDevice, "k1"); !errors.Is(err, ssobroker.ErrNotFound) {
		t.Errorf("take twice: %v", err)
	}
	if _, err := s.Find(ctx, ssobroker.KindDevice, "A"); !errors.Is(err, ssobroker.ErrNotFound) {
		t.Errorf("the index of a taken entry: %v", err)
	}
	if err := s.Update(ctx, ssobroker.KindDevice, "k2", func(e *ssobroker.Entry) bool {
		e.Data, e.Index = []byte(`"changed"`), "Z"
		return true
	}); err != nil {
		t.Fatal(err)
	}
	if e, err := s.Find(ctx, ssobroker.KindDevice, "B"); err != nil || string(e.Data) != `"changed"` {
		t.Errorf("after update (the index stays): %+v %v", e, err)
	}
	s.Update(ctx, ssobroker.KindDevice, "k2", func(*ssobroker.Entry) bool { return false })
	if _, err := s.Take(ctx, ssobroker.KindDevice, "k2"); !errors.Is(err, ssobroker.ErrNotFound) {
		t.Errorf("after an update that deletes: %v", err)
	}
	c.Add(time.Minute)
	if _, err := s.Take(ctx, ssobroker.KindDevice, "k3"); !errors.Is(err, ssobroker.ErrNotFound) {
		t.Errorf("an expired entry: %v", err)
	}
	if err := put("k6", "", "1.1.1.1", lim); err != nil || s.Len(ssobroker.KindDevice) != 1 {
		t.Errorf("after expiry: %v, %d entries", err, s.Len(ssobroker.KindDevice))
	}
}
