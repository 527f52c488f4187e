package destform

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/ui/uitest"
)

// shownEntry is the entry in the window whose text is text: the one the
// person sees, not only the form's field.
func (h *harness) shownEntry(text string) *widget.Entry {
	var found *widget.Entry
	uitest.Walk(h.w.Content(), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && e.Text == text && found == nil {
			found = e
		}
	})
	return found
}

// With the organisation's preset, the form shows its server and
// fingerprint, locked, with its key option and escrow chosen: the person
// types a user name and passwords, and signs in without being asked to
// trust the certificate.
func TestPresetFillsAndLocksTheServer(t *testing.T) {
	h := newHarness(t)
	url, fp := startServerWith(t, true)
	h.deps.Preset = config.Preset{Server: url, Fingerprint: fp, Key: "password", Escrow: true}
	f := h.show(NewServerForm(h.w, h.deps, h.onAdded))
	s := f.server

	for _, want := range []string{url, fp} {
		e := h.shownEntry(want)
		if e == nil {
			t.Fatalf("%s is not shown in the form", want)
		}
		if !e.Disabled() {
			t.Errorf("%s can be changed", want)
		}
	}
	test.Type(s.address, "evil.example.org")
	test.Type(s.fingerprint, "00")
	if s.address.Text != url || s.fingerprint.Text != fp {
		t.Fatalf("typing changed the locked fields: %q %q", s.address.Text, s.fingerprint.Text)
	}
	if s.key.mode() != device.KeyPassword || !formHas(f, "Archive password") || !s.key.escrow.Checked {
		t.Fatalf("key option %s, escrow %v", s.key.mode(), s.key.escrow.Checked)
	}
	if s.user.Disabled() || s.password.Disabled() || s.key.choice.Disabled() || s.key.escrow.Disabled() {
		t.Error("the person's own fields are locked")
	}

	test.Type(s.user, "ana")
	test.Type(s.password, "account password")
	test.Type(s.key.archive.pw, "archive password 1")
	test.Type(s.key.archive.again, "archive password 1")
	f.Submit()
	h.q.Wait(t, "signed in", func() bool { return !f.Busy() })
	d, ok := h.destination("127.0.0.1")
	if !ok || f.Problem() != "" {
		t.Fatalf("not added: %+v, problem %q", d, f.Problem())
	}
	if d.URL != url || d.Fingerprint != fp || d.KeyMode != "password" || !d.Escrowed {
		t.Fatalf("destination %+v", d)
	}
}

// Without a preset nothing is filled in or locked.
func TestNoPresetLeavesTheFormOpen(t *testing.T) {
	h := newHarness(t)
	f := h.show(NewServerForm(h.w, h.deps, h.onAdded))
	s := f.server
	if s.address.Text != "" || s.address.Disabled() || s.fingerprint.Text != "" || s.fingerprint.Disabled() {
		t.Fatalf("address %q, fingerprint %q", s.address.Text, s.fingerprint.Text)
	}
	if s.key.mode() != device.KeyAccount || s.key.escrow.Checked {
		t.Fatalf("key option %s, escrow %v", s.key.mode(), s.key.escrow.Checked)
	}
}

// A preset with only a server leaves the fingerprint to type (a server
// whose certificate authorities vouch for it needs none).
func TestPresetWithoutAFingerprint(t *testing.T) {
	h := newHarness(t)
	h.deps.Preset = config.Preset{Server: "https://backup.example.org:8443"}
	f := h.show(NewServerForm(h.w, h.deps, h.onAdded))
	if !f.server.address.Disabled() || f.server.fingerprint.Disabled() || f.server.key.mode() != device.KeyAccount {
		t.Fatalf("address locked %v, fingerprint locked %v, key %s", f.server.address.Disabled(),
			f.server.fingerprint.Disabled(), f.server.key.mode())
	}
}
