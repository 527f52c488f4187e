// Package config reads cairn-server's configuration file (serve --config
// FILE): the organisation's directory ([ldap]), its single sign-on
// ([oidc]) and the key-encryption key of organisation-held archive keys
// ([keys]). docs/SERVER.md documents every key. A key the file does not
// know is an error, so a typo never silently turns a setting off.
package config

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/cairnbackup/cairn/engine/server/ldapdir"
	"github.com/cairnbackup/cairn/engine/server/oidcrp"
)

// File is the configuration file; a section left out is nil.
type File struct {
	Server *Server         `toml:"server"`
	LDAP   *ldapdir.Config `toml:"ldap"`
	OIDC   *oidcrp.Config  `toml:"oidc"`
	Keys   *Keys           `toml:"keys"`
}

// Server is the [server] section.
type Server struct {
	// URL is the address people's browsers and the identity provider
	// reach this server at (https://backup.example.org:8443): single
	// sign-on's redirect URI is URL/sso/callback.
	URL string `toml:"url"`
}

// Keys is the [keys] section.
type Keys struct {
	// KEKFile holds the key-encryption keys that wrap organisation-held
	// archive keys (package kek's format: the first key wraps, the others
	// only unwrap until `cairn-server keys rotate` has re-wrapped).
	KEKFile string `toml:"kek_file"`
}

// Load reads and checks a configuration file.
func Load(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the configuration: %w", err)
	}
	return Parse(path, string(b))
}

// Parse reads and checks a configuration file's text; name is for errors.
func Parse(name, text string) (*File, error) {
	var f File
	md, err := toml.Decode(text, &f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if unknown := md.Undecoded(); len(unknown) > 0 {
		keys := make([]string, len(unknown))
		for i, k := range unknown {
			keys[i] = k.String()
		}
		sort.Strings(keys)
		return nil, fmt.Errorf("%s: unknown settings %s (see docs/SERVER.md for the keys each section takes)",
			name, strings.Join(keys, ", "))
	}
	var errs []error
	if f.LDAP != nil {
		errs = append(errs, f.LDAP.Check())
	}
	if f.OIDC != nil {
		errs = append(errs, f.OIDC.Check())
		if f.Server == nil || !strings.HasPrefix(f.Server.URL, "https://") {
			errs = append(errs, errors.New("[oidc] needs [server] url = \"https://…\": the address browsers reach this server at "+
				"(the identity provider sends people back to URL/sso/callback)"))
		}
		if f.OIDC.CheckRefresh && f.Keys == nil && f.OIDC.RefreshKeyFile == "" {
			errs = append(errs, errors.New("[oidc] check_refresh keeps the provider's refresh tokens sealed: "+
				"configure [keys] kek_file, or set [oidc] refresh_key_file (a key file made at the first start)"))
		}
	}
	if f.Keys != nil && f.Keys.KEKFile == "" {
		errs = append(errs, errors.New("[keys] kek_file is missing"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &f, nil
}
