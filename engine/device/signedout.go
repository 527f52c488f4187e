package device

import (
	"errors"
	"fmt"

	"github.com/cairnbackup/cairn/engine/store/remote"
)

// A server that refuses this computer's sign-in (it was replaced by
// another computer, or signed out) answers the same to every request until
// the person signs in again. So the first refusal is kept per destination,
// and from then on every use of that destination fails at once with it,
// without a request and without scanning the selection: the service's
// retries and the home screen's status reads cost the server nothing.
// Removing the destination forgets it; adding it again signs in anew.

// noteRefusal keeps err for the destination when it is such a refusal.
func (d *Device) noteRefusal(dest string, err error) {
	var so *remote.SignedOutError
	if errors.As(err, &so) {
		d.refused.LoadOrStore(dest, so)
	}
}

// refusal is the destination's kept refusal, nil when there is none.
func (d *Device) refusal(dest string) error {
	v, ok := d.refused.Load(dest)
	if !ok {
		return nil
	}
	return fmt.Errorf("destination %q: %w", dest, v.(*remote.SignedOutError))
}

// forgetRefusal drops what was kept for a destination that is removed.
func (d *Device) forgetRefusal(dest string) { d.refused.Delete(dest) }

// SignedOut reports whether err says a server no longer accepts this
// computer's sign-in, and the details the server gave.
func SignedOut(err error) (*remote.SignedOutError, bool) {
	var so *remote.SignedOutError
	if errors.As(err, &so) {
		return so, true
	}
	if errors.Is(err, remote.ErrToken) {
		return &remote.SignedOutError{}, true
	}
	return nil, false
}
