package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/cairnbackup/cairn/engine/selection"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// Preset is what an organisation's IT department sets for every computer it
// installs Cairn on, in a file the installer or device management drops
// (PresetPath): the server, how archive keys are protected, and exclusions
// of its own. The first run fills the server form with it, so people only
// sign in. Every field is optional; the zero Preset changes nothing.
type Preset struct {
	// Server is the backup server's address, https://host[:port]. The
	// first run shows it and does not let it be changed.
	Server string `json:"server,omitempty"`
	// Fingerprint is the SHA-256 fingerprint of the server's self-signed
	// certificate (as `cairn-server serve` prints it), so nobody is asked
	// to trust it. Locked like Server. Empty for a certificate that
	// authorities vouch for.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Key is the key option chosen at first: "account", "password" or
	// "custom" (device.KeyMode); "" leaves Cairn's default (account).
	// People may still choose another one.
	Key string `json:"key,omitempty"`
	// Escrow ticks "let my organisation recover my backup" at first.
	Escrow bool `json:"escrow,omitempty"`
	// Exclude are exclusion patterns added to the defaults of a new
	// configuration (same language as `cairn files exclude`).
	Exclude []string `json:"exclude,omitempty"`
}

// PresetEnv overrides PresetPath, for tests and for IT trying a preset
// before rolling it out.
const PresetEnv = "CAIRN_PRESET"

// PresetPath is where the preset file is on goos: %ProgramData%\Cairn on
// Windows, /Library/Application Support/Cairn on macOS, /etc/cairn
// elsewhere. All are writable only by administrators. $CAIRN_PRESET, when
// set, is used instead.
func PresetPath(goos string) string {
	if p := os.Getenv(PresetEnv); p != "" {
		return p
	}
	switch goos {
	case "windows":
		dir := os.Getenv("ProgramData")
		if dir == "" {
			dir = `C:\ProgramData`
		}
		return strings.TrimRight(dir, `\`) + `\Cairn\preset.json`
	case "darwin":
		return "/Library/Application Support/Cairn/preset.json"
	}
	return "/etc/cairn/preset.json"
}

// maxPresetSize bounds the file read: a preset is a few hundred bytes.
const maxPresetSize = 1 << 20

// LoadPreset reads and checks the preset file at path. A missing file is no
// preset (false, nil); a file that cannot be read or used is an error that
// names it, so that IT sees what to fix rather than a half-applied preset.
func LoadPreset(path string) (Preset, bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return Preset{}, false, nil
	}
	if err != nil {
		return Preset{}, false, fmt.Errorf("read the preset file: %w", err)
	}
	defer f.Close()
	// Whoever can write the preset chooses the server everybody's first
	// run offers: a file others may change is not the organisation's.
	if info, err := f.Stat(); err == nil && runtime.GOOS != "windows" && info.Mode().Perm()&0o022 != 0 {
		return Preset{}, false, fmt.Errorf("preset file %s: writable by users other than its owner (mode %v): make it 644", path, info.Mode().Perm())
	}
	b, err := io.ReadAll(io.LimitReader(f, maxPresetSize+1))
	if err != nil {
		return Preset{}, false, fmt.Errorf("read the preset file %s: %w", path, err)
	}
	p, err := ParsePreset(b)
	if err != nil {
		return Preset{}, false, fmt.Errorf("preset file %s: %w", path, err)
	}
	return p, true, nil
}

// ParsePreset reads a preset from JSON and checks it: one object, no
// unknown field (a misspelt one would be silently ignored), each value
// usable. The Server comes back without a trailing slash.
func ParsePreset(b []byte) (Preset, error) {
	var p Preset
	if len(b) > maxPresetSize {
		return p, fmt.Errorf("larger than %d bytes", maxPresetSize)
	}
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))) // Notepad's BOM
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Preset{}, fmt.Errorf("not valid JSON of a preset: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Preset{}, errors.New("not valid JSON of a preset: more after the object")
	}
	if err := p.check(); err != nil {
		return Preset{}, err
	}
	p.Server = strings.TrimSuffix(p.Server, "/")
	return p, nil
}

// check says what is wrong with p, if anything.
func (p Preset) check() error {
	if p.Server != "" {
		if err := checkServer(p.Server); err != nil {
			return fmt.Errorf("server %q: %w", p.Server, err)
		}
	}
	if p.Fingerprint != "" {
		if _, err := remote.ParseFingerprint(p.Fingerprint); err != nil {
			return fmt.Errorf("fingerprint: %w", err)
		}
	}
	switch p.Key {
	case "", "account", "password", "custom":
	default:
		return fmt.Errorf(`key %q: use "account", "password" or "custom"`, p.Key)
	}
	if p.Server == "" && (p.Fingerprint != "" || p.Key != "" || p.Escrow) {
		return errors.New("fingerprint, key and escrow need the server they are for")
	}
	return checkExclusions(p.Exclude)
}

// checkServer accepts https://host[:port] and nothing else: the address
// is shown and used as it is, so it must not carry a path, a user or a
// query.
func checkServer(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return errors.New("not an address")
	case u.Scheme != "https":
		return errors.New("use an https:// address, like https://backup.example.org:8443")
	case u.Hostname() == "" || u.Opaque != "":
		return errors.New("no host name")
	case u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.Contains(s, "#"):
		return errors.New("only https://host:port, without user, query or fragment")
	case u.Path != "" && u.Path != "/":
		return errors.New("only https://host:port, without a path")
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("port %s is not a port number", port)
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return errors.New("an empty port")
	}
	if strings.ContainsAny(u.Hostname(), " \t") || net.ParseIP(u.Hostname()) == nil && strings.Contains(u.Hostname(), ":") {
		return errors.New("not a host name")
	}
	return nil
}

// sampleHomes are home folders, in the matcher's path form, that an
// organisation's exclusions must leave alone on any of its computers.
var sampleHomes = []string{"/home/someone", "/Users/someone", "/C:/Users/someone"}

// checkExclusions compiles the patterns and refuses one that would exclude
// a home folder or a folder above it: a preset must never turn every
// backup into a backup of nothing.
func checkExclusions(patterns []string) error {
	for _, p := range patterns {
		if strings.TrimSpace(p) != p || strings.ContainsAny(p, "\x00\n\r") {
			return fmt.Errorf("exclude %q: spaces at either end or a control character", p)
		}
	}
	for _, home := range sampleHomes {
		m, err := selection.Compile(patterns, selection.Options{Home: home, CaseInsensitive: true})
		if err != nil {
			return fmt.Errorf("exclude: %w", err)
		}
		for dir := home; dir != "/"; dir = path.Dir(dir) {
			if m.Excluded(dir, true) {
				for _, p := range patterns {
					if one, _ := selection.Compile([]string{p}, selection.Options{Home: home, CaseInsensitive: true}); one.Excluded(dir, true) {
						return fmt.Errorf("exclude %q: it would exclude whole home folders (%s)", p, dir)
					}
				}
			}
		}
	}
	return nil
}

// AddExclusions returns s with the preset's exclusions added to its
// defaults, each once (a pattern already excluded is left where it is).
// The first run applies it to the selection of a new computer.
func (p Preset) AddExclusions(s selection.Selection) selection.Selection {
	s.Defaults = slices.Clone(s.Defaults)
	for _, x := range p.Exclude {
		if !slices.Contains(s.Defaults, x) && !slices.Contains(s.Exclude, x) {
			s.Defaults = append(s.Defaults, x)
		}
	}
	return s
}
