package remote

import (
	"fmt"
	"time"
)

// Codes of the server's answers to a token it no longer accepts
// (docs/SERVER-API.md): each is HTTP 401.
const (
	codeToken    = "token"           // missing, unknown or revoked, no more said
	codeReplaced = "device_replaced" // another computer took this device over
	codeSignout  = "signed_out"      // revoked: admin, password reset, the user on the web, device retired
)

// SignedOutError is the server's refusal of this computer's sign-in. It
// matches ErrToken. Once a backend has seen it, it sends nothing more: a
// computer that was replaced or signed out must not keep knocking (with
// thousands of computers that is a flood), and only signing in again, which
// opens a new backend, can change the answer.
type SignedOutError struct {
	// Replaced says another computer took this device over (the replace
	// wizard); ReplacedBy is that computer's name, when the server said.
	Replaced   bool
	ReplacedBy string
	// At is when the sign-in was revoked (zero when the server did not say).
	At time.Time
	// Says is the server's own words ("" when it gave none).
	Says string
}

func (e *SignedOutError) Error() string {
	switch {
	case e.Replaced && e.ReplacedBy != "":
		return fmt.Sprintf("this computer was replaced by %q: its backups continue there; remove this destination, or sign in again to back this computer up as another device", e.ReplacedBy)
	case e.Replaced:
		return "this computer was replaced by another computer: its backups continue there; remove this destination, or sign in again to back this computer up as another device"
	case e.Says != "":
		return fmt.Sprintf("%s (the server says: %s)", ErrToken, e.Says)
	}
	return ErrToken.Error()
}

// Is makes errors.Is(err, ErrToken) true.
func (e *SignedOutError) Is(target error) bool { return target == ErrToken }

// signedOut reads a 401 answer's details.
func signedOut(code, says, replacedBy string, at int64) *SignedOutError {
	e := &SignedOutError{Replaced: code == codeReplaced, ReplacedBy: replacedBy, Says: says}
	if at > 0 {
		e.At = time.Unix(0, at)
	}
	return e
}
