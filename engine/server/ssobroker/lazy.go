package ssobroker

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/cairnbackup/cairn/engine/server/oidcrp"
)

// Lazy is a broker made at its first request, so that an identity
// provider that is down when the server starts does not stop the server:
// until discovery succeeds, sign-ins get a page (or an API answer) saying
// the organisation's sign-in cannot be reached, and discovery is tried
// again at most every retry.
type Lazy struct {
	newRP func(ctx context.Context) (*oidcrp.RP, error)
	o     Options
	retry time.Duration

	mu     sync.Mutex
	b      *Broker
	tried  time.Time
	lastEr error
}

// NewLazy returns a lazily made broker: newRP discovers the provider; o
// are the broker's options but for RP.
func NewLazy(newRP func(ctx context.Context) (*oidcrp.RP, error), o Options) *Lazy {
	return &Lazy{newRP: newRP, o: o, retry: 30 * time.Second}
}

func (l *Lazy) broker(ctx context.Context) (*Broker, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b != nil {
		return l.b, nil
	}
	if !l.tried.IsZero() && time.Since(l.tried) < l.retry {
		return nil, l.lastEr
	}
	l.tried = time.Now()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	rp, err := l.newRP(ctx)
	if err == nil {
		o := l.o
		o.RP = rp
		l.b, err = New(o)
	}
	l.lastEr = err
	if err != nil && l.o.Log != nil {
		l.o.Log.Error("single sign-on: the identity provider cannot be used; it will be tried again", "err", err)
	}
	return l.b, err
}

// ErrUnavailable is the answer while the identity provider cannot be
// used (its discovery failed; it is tried again at most every 30 s).
var ErrUnavailable = errors.New("the organisation's sign-in cannot be reached right now; try again in a few minutes, or ask your IT department")

// ServeHTTP serves the broker, or says sign-on is unavailable.
func (l *Lazy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, err := l.broker(r.Context())
	if err != nil {
		w.Header().Set("Retry-After", "30")
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"code": "sso_unavailable", "error": ErrUnavailable.Error()})
		return
	}
	b.Handler().ServeHTTP(w, r)
}

// StartWeb is Broker.StartWeb, for the server's web pages: the broker's
// Options.WebSignIn (passed on from NewLazy's options) finishes the
// sign-in. While the provider cannot be used it answers nothing and
// returns an error wrapping ErrUnavailable, so that the pages say so on
// their own sign-in page.
func (l *Lazy) StartWeb(w http.ResponseWriter, r *http.Request, next string) error {
	b, err := l.broker(r.Context())
	if err != nil {
		return fmt.Errorf("%w (%v)", ErrUnavailable, err)
	}
	b.StartWeb(w, r, next)
	return nil
}
