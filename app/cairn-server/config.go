package main

import (
	"fmt"

	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/config"
	"github.com/cairnbackup/cairn/engine/server/ldapdir"
)

// applyConfig reads the configuration file (--config, or
// CAIRN_SERVER_CONFIG) into the server's options: the organisation's
// directory. "" leaves them as they are.
func applyConfig(e *env, path string, o *server.Options) error {
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
		return fmt.Errorf("%s: [oidc] single sign-on is not wired into serve yet (docs/SSO.md); remove the section for now", path)
	}
	if f.Keys != nil {
		return fmt.Errorf("%s: [keys] organisation-held keys are not available yet; remove the section for now", path)
	}
	return nil
}
