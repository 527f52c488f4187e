package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/config"
	"github.com/cairnbackup/cairn/engine/server/kek"
	"github.com/cairnbackup/cairn/engine/server/ldapdir"
	"github.com/cairnbackup/cairn/engine/server/oidcrp"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/ssobroker"
)

// applyConfig reads the configuration file (--config, or
// CAIRN_SERVER_CONFIG) into the server's options: the organisation's
// directory, its single sign-on, and the key-encryption keys of
// organisation-held archive keys. "" leaves them as they are. The broker
// it sets up finishes the web pages' sign-ins through sso.
func applyConfig(e *env, path string, o *server.Options, sso *webSignOn) error {
	if path == "" {
		path = e.getenv("CAIRN_SERVER_CONFIG")
	}
	if path == "" {
		return nil
	}
	f, err := config.Load(path)
	if err != nil {
		return err
	}
	if f.LDAP != nil {
		dir, err := ldapdir.New(*f.LDAP)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		o.Directory = dir
	}
	var check *server.OIDCCheck // set below, once the KEK is loaded
	var rp *sharedRP
	if f.OIDC != nil {
		cfg, base := *f.OIDC, f.Server.URL
		rp = &sharedRP{make: func(ctx context.Context) (*oidcrp.RP, error) {
			return oidcrp.New(ctx, cfg, ssobroker.CallbackURL(base), nil)
		}}
		newRP := rp.get
		o.SSO = func(accounts ssobroker.Accounts) http.Handler {
			if check != nil { // leavers are checked at the provider (oidc_leavers.go)
				accounts = server.WithOIDCCheck(accounts, *check)
			}
			// The broker keeps its sign-ins in the records, so that the
			// nodes of a server share them.
			bo := ssobroker.Options{Accounts: accounts, BaseURL: base, ClientAddr: server.ClientAddr, Log: o.Logger,
				Store: records.SSOStoreFor(o.Vault.Records(), o.Now)}
			sso.hooks(&bo)
			sso.broker = ssobroker.NewLazy(newRP, bo)
			return sso.broker
		}
		o.SSOLabel = cfg.Label
	}
	if f.Keys != nil {
		ring, err := kek.Load(f.Keys.KEKFile)
		if err != nil {
			return fmt.Errorf("%s: [keys]: %w", path, err)
		}
		o.KEK = ring
	}
	if f.OIDC != nil {
		if check, err = oidcCheck(*f.OIDC, o, rp); err != nil {
			return fmt.Errorf("%s: [oidc]: %w", path, err)
		}
	}
	return nil
}

// oidcCheck is the periodic check of single sign-on accounts when [oidc]
// check_refresh asks for it: refresh tokens sealed under the KEK of [keys],
// else under the key of refresh_key_file.
func oidcCheck(cfg oidcrp.Config, o *server.Options, rp *sharedRP) (*server.OIDCCheck, error) {
	if !cfg.CheckRefresh {
		return nil, nil
	}
	var seal server.RefreshSealer
	if o.KEK != nil {
		seal = server.KEKSealer(o.KEK)
	} else {
		var err error
		if seal, err = server.LoadRefreshKey(cfg.RefreshKeyFile); err != nil {
			return nil, err
		}
	}
	return &server.OIDCCheck{Seal: seal, Interval: cfg.SyncInterval.Duration,
		MaxDeactivateFraction: cfg.MaxDeactivateFraction,
		Refresh: func(ctx context.Context, token string) (oidcrp.Refreshed, error) {
			p, err := rp.get(ctx)
			if err != nil {
				return oidcrp.Refreshed{}, fmt.Errorf("%w (%v)", oidcrp.ErrUnreachable, err)
			}
			return p.Refresh(ctx, token)
		}}, nil
}

// sharedRP is the relying party the broker and the check share, made at
// the first use that finds the provider (discovery), not at start.
type sharedRP struct {
	make func(ctx context.Context) (*oidcrp.RP, error)
	mu   sync.Mutex
	rp   *oidcrp.RP
}

func (s *sharedRP) get(ctx context.Context) (*oidcrp.RP, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rp != nil {
		return s.rp, nil
	}
	rp, err := s.make(ctx)
	if err == nil {
		s.rp = rp
	}
	return rp, err
}
