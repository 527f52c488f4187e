package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/config"
	"github.com/cairnbackup/cairn/engine/server/kek"
	"github.com/cairnbackup/cairn/engine/server/ldapdir"
	"github.com/cairnbackup/cairn/engine/server/oidcrp"
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
	if f.OIDC != nil {
		cfg, base := *f.OIDC, f.Server.URL
		newRP := func(ctx context.Context) (*oidcrp.RP, error) {
			return oidcrp.New(ctx, cfg, ssobroker.CallbackURL(base), nil)
		}
		o.SSO = func(accounts ssobroker.Accounts) http.Handler {
			bo := ssobroker.Options{Accounts: accounts, BaseURL: base, ClientAddr: server.ClientAddr, Log: o.Logger}
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
	return nil
}
