package words

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine/store/remote"
	"github.com/cairnbackup/cairn/ui/uitest"
)

// The organisation's sign-in fails in words that say what to do next,
// however deep the engine wrapped the reason.
func TestSingleSignOnErrorsInWords(t *testing.T) {
	uitest.UseEnglish()
	for err, want := range map[error]string{
		remote.ErrSSONotAllowed: "not allowed to use this backup service",
		remote.ErrSSODenied:     "declined on the other device",
		remote.ErrSSORefused:    "cancelled or refused",
		remote.ErrSSOExpired:    "not finished in time",
		remote.ErrSSOServer:     "could not finish the sign-in",
	} {
		wrapped := fmt.Errorf("sign in to https://backup.example.org through your organisation: %w", err)
		if got := Error(wrapped); !strings.Contains(got, want) {
			t.Errorf("%v: %q", err, got)
		}
	}
}
