package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/oidcrp"
)

func TestCheckRefreshSealsWithTheKeyFileAndFindsTheProviderLazily(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "oidc-refresh.key")
	cfg := oidcrp.Config{CheckRefresh: true, RefreshKeyFile: keyFile, SyncInterval: oidcrp.Duration{Duration: 2 * time.Hour}}
	down := errors.New("discovery failed")
	tries := 0
	rp := &sharedRP{make: func(context.Context) (*oidcrp.RP, error) { tries++; return nil, down }}
	check, err := oidcCheck(cfg, &server.Options{}, rp)
	if err != nil || check == nil || check.Interval != 2*time.Hour {
		t.Fatalf("check: %+v %v", check, err)
	}
	if _, err := os.Stat(keyFile); err != nil {
		t.Errorf("no key file made: %v", err)
	}
	if _, err := check.Refresh(t.Context(), "t"); !errors.Is(err, oidcrp.ErrUnreachable) || tries != 1 {
		t.Errorf("a provider that cannot be found: %v (%d tries)", err, tries)
	}
	if check, err := oidcCheck(oidcrp.Config{}, &server.Options{}, rp); check != nil || err != nil {
		t.Errorf("without check_refresh: %+v %v", check, err)
	}
}
