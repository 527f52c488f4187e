package device

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// A computer taking over a server device opens its archive with the secret
// the old computer chose: the account password without asking anything
// more, or, when that does not open it, the archive password or kept key
// typed. The destination remembers which.
func TestAdoptOpensWithTheSecretOfTheKeyOption(t *testing.T) {
	url, fp := serverAt(t, nil)
	var kept string
	cases := []struct {
		name  string
		key   KeyOptions
		typed func() string // what the person types when asked
		want  KeyMode
	}{
		{"account", KeyOptions{Mode: KeyAccount}, nil, KeyAccount},
		{"password", KeyOptions{Mode: KeyPassword}, func() string { return "correct horse battery" }, KeyPassword},
		{"custom", KeyOptions{Mode: KeyCustom, ShowCustomKey: func(k string) error { kept = k; return nil }},
			func() string { return kept }, KeyCustom},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			src := filepath.Join(dir, "ana")
			testtree.Write(t, src, map[string]testtree.Node{"a.txt": {Data: "a"}})
			old, err := Open(filepath.Join(dir, "old"), Options{UserHome: src})
			if err != nil {
				t.Fatal(err)
			}
			defer old.Close()
			account := func() ([]byte, error) { return []byte("account password"), nil }
			sign := ServerSignIn{Name: "work", URL: url, User: "ana", Device: "laptop-" + c.name, Fingerprint: fp, Password: account}
			if _, err := old.AddServerDestinationWithKey(ctx, sign, c.key, password, crypt.TestKDF); err != nil {
				t.Fatal(err)
			}
			old.AddFiles(src)
			if _, err := old.Backup(ctx, "", BackupOptions{}); err != nil {
				t.Fatal(err)
			}

			d := newComputer(t, filepath.Join(dir, "new-home"))
			sign.Device = "new-" + c.name
			devs, _, err := d.AccountDevices(ctx, sign)
			if err != nil {
				t.Fatal(err)
			}
			id := ""
			for _, x := range devs {
				if x.Name == "laptop-"+c.name {
					id = x.ID
				}
			}
			asked := 0
			ask := func(string, bool) ([]byte, error) {
				asked++
				if c.typed == nil {
					return nil, errors.New("asked for a second secret")
				}
				return []byte("not it"), nil
			}
			if c.typed != nil { // a wrong one first: the person is told
				if _, err := d.AdoptServerDevice(ctx, sign, id, ask, crypt.TestKDF); !errors.Is(err, engine.ErrWrongPassword) {
					t.Fatalf("a wrong secret: %v", err)
				}
				ask = func(string, bool) ([]byte, error) { asked++; return []byte(c.typed()), nil }
			}
			if _, err := d.AdoptServerDevice(ctx, sign, id, ask, crypt.TestKDF); err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 0, false: 2}[c.typed == nil]; asked != want {
				t.Errorf("asked %d times, want %d", asked, want)
			}
			if got := KeyMode(d.Config().Destinations[0].KeyMode); got != c.want {
				t.Errorf("key option recorded: %q, want %q", got, c.want)
			}
		})
	}
}

// When the wizard must ask for the old computer's archive password, it
// learns whether the organisation holds the key in escrow (so that IT can
// recover a password nobody knows).
func TestAdoptSaysWhetherTheKeyIsEscrowed(t *testing.T) {
	for _, escrow := range []bool{true, false} {
		o := startOrgServer(t, true)
		src := t.TempDir()
		old := openHome(t, src)
		if _, err := old.AddServerDestinationWithKey(ctx, o.signIn(), KeyOptions{Mode: KeyPassword, Escrow: escrow}, fixed("a password ana forgets"), crypt.TestKDF); err != nil {
			t.Fatal(err)
		}
		d := openHome(t, t.TempDir())
		sign := o.signIn()
		sign.Device = "new-laptop"
		devs, _, err := d.AccountDevices(ctx, sign)
		if err != nil || len(devs) != 1 {
			t.Fatal(devs, err)
		}
		askFirst := errors.New("ask the person first")
		_, err = d.AdoptServerDevice(ctx, sign, devs[0].ID, func(string, bool) ([]byte, error) { return nil, askFirst }, crypt.TestKDF)
		var ask *AskError
		if !errors.As(err, &ask) || !errors.Is(err, askFirst) || ask.Escrowed != escrow {
			t.Fatalf("escrow %v: %#v", escrow, err)
		}
	}
}
