package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/cairnbackup/cairn/engine/snapshot"
)

// Maker makes and deletes shadow copies: WMI on Windows (wmi_windows.go),
// a fake in tests. Its methods may be called from several goroutines.
type Maker interface {
	// Volume is the volume GUID name (\\?\Volume{…}\) at the drive root
	// root ("C:\", already validated), or an error matching
	// snapshot.ErrBadVolume when it is not a local fixed drive.
	Volume(root string) (string, error)
	// Create makes a shadow copy of the drive root and returns its ID and
	// device path.
	Create(ctx context.Context, root string) (snapshot.Shadow, error)
	// Delete deletes the shadow copy id; one already gone is no error.
	Delete(ctx context.Context, id string) error
}

// Ledger keeps the IDs of the live shadow copies where the next start of
// the service finds them.
type Ledger interface {
	Load() ([]string, error)
	Save(ids []string) error
}

// Server answers requests within Limits. One Server serves every
// connection; its methods may be called from several goroutines.
type Server struct {
	maker  Maker
	ledger Ledger
	lim    Limits
	now    func() time.Time
	logf   func(format string, args ...any)

	mu      sync.Mutex
	live    map[string]*shadow     // by ID
	asked   map[string][]time.Time // by person: requests in the last hour
	pending map[string]int         // by person: being made
	conns   uint64                 // connections so far, to number them
	open    map[string]int         // by person: connections being served
}

// shadow is a live shadow copy and whom it was made for.
type shadow struct {
	id      string
	user    string // the person's SID
	conn    uint64 // the connection that asked
	created time.Time
}

// NewServer serves with maker, keeping the live IDs in ledger. now is the
// clock (time.Now), logf where problems are told (the event log).
func NewServer(maker Maker, ledger Ledger, lim Limits, now func() time.Time, logf func(string, ...any)) *Server {
	lim.applyDefaults()
	return &Server{maker: maker, ledger: ledger, lim: lim, now: now, logf: logf,
		live: map[string]*shadow{}, asked: map[string][]time.Time{}, pending: map[string]int{}, open: map[string]int{}}
}

// firstRequestWait is how long a new connection has to send its first
// request.
const firstRequestWait = 10 * time.Second

// Serve answers the requests of one connection until it closes or ctx
// ends, then deletes every shadow copy made on it. who tells whose
// connection it is (a SID the pipe vouches for); it is asked once the
// first request is read, since a pipe vouches for the sender of what was
// read.
func (s *Server) Serve(ctx context.Context, rw io.ReadWriter, who func() (string, error)) error {
	// A caller that says nothing is not kept waiting for: until it is
	// known, it counts against no limit.
	d, deadline := rw.(interface{ SetReadDeadline(time.Time) error })
	if deadline {
		d.SetReadDeadline(time.Now().Add(firstRequestWait))
	}
	var req snapshot.Request
	err := snapshot.Read(rw, &req)
	if deadline {
		d.SetReadDeadline(time.Time{}) // then a pass keeps it as long as it runs
	}
	if errors.Is(err, io.EOF) || ctx.Err() != nil {
		return nil
	}
	if err != nil {
		snapshot.Write(rw, answer(snapshot.Shadow{}, err))
		return err
	}
	user, err := who()
	if err != nil {
		s.logf("refused a caller: %v", err)
		err = fmt.Errorf("%w: the helper cannot tell who is calling", snapshot.ErrBadRequest)
		snapshot.Write(rw, answer(snapshot.Shadow{}, err))
		return err
	}
	conn, err := s.admit(user)
	if err != nil {
		snapshot.Write(rw, answer(snapshot.Shadow{}, err))
		return err
	}
	defer s.dropConn(conn, user)
	for {
		if err := snapshot.Write(rw, answer(s.handle(ctx, req, user, conn))); err != nil {
			return err
		}
		err := snapshot.Read(rw, &req)
		if errors.Is(err, io.EOF) || ctx.Err() != nil {
			return nil
		}
		if err != nil {
			// Out of step: answer once and hang up.
			snapshot.Write(rw, answer(snapshot.Shadow{}, err))
			return err
		}
	}
}

func answer(sh snapshot.Shadow, err error) snapshot.Response {
	if err != nil {
		return snapshot.Response{Code: snapshot.Code(err), Message: err.Error()}
	}
	return snapshot.Response{Shadow: sh}
}

func (s *Server) handle(ctx context.Context, req snapshot.Request, user string, conn uint64) (snapshot.Shadow, error) {
	if req.Version != snapshot.ProtocolVersion {
		return snapshot.Shadow{}, fmt.Errorf("%w: protocol version %d, this helper speaks %d", snapshot.ErrBadRequest, req.Version, snapshot.ProtocolVersion)
	}
	switch req.Op {
	case snapshot.OpSnapshot:
		return s.create(ctx, req.Volume, user, conn)
	case snapshot.OpRelease:
		return snapshot.Shadow{}, s.release(ctx, req.ID, conn)
	}
	return snapshot.Shadow{}, fmt.Errorf("%w: %q", snapshot.ErrBadRequest, req.Op)
}

// create makes a shadow copy of the drive volume for user on conn.
func (s *Server) create(ctx context.Context, volume, user string, conn uint64) (snapshot.Shadow, error) {
	root, ok := snapshot.ValidVolume(volume)
	if !ok {
		return snapshot.Shadow{}, fmt.Errorf("%w: %q", snapshot.ErrBadVolume, volume)
	}
	name, err := s.maker.Volume(root)
	if err != nil {
		return snapshot.Shadow{}, err
	}
	if err := s.reserve(user); err != nil {
		return snapshot.Shadow{}, err
	}
	cctx, cancel := context.WithTimeout(ctx, s.lim.CreateTimeout)
	sh, err := s.maker.Create(cctx, root)
	cancel()
	if err == nil && (!snapshot.ValidID(sh.ID) || !snapshot.ValidDevice(sh.Device)) {
		err = fmt.Errorf("Windows answered the ID %q and device %q", sh.ID, sh.Device)
		s.forget(sh.ID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending[user]--
	if s.pending[user] == 0 {
		delete(s.pending, user)
	}
	if err != nil {
		s.logf("make a shadow copy of %s for %s: %v", root, user, err)
		return snapshot.Shadow{}, fmt.Errorf("%w: %v", snapshot.ErrFailed, err)
	}
	s.live[sh.ID] = &shadow{id: sh.ID, user: user, conn: conn, created: s.now()}
	s.saveLocked()
	sh.Volume = name
	return sh, nil
}

// forget deletes a shadow copy the server will not hand out, when its ID
// is one.
func (s *Server) forget(id string) {
	if snapshot.ValidID(id) {
		ctx, cancel := context.WithTimeout(context.Background(), s.lim.DeleteTimeout)
		defer cancel()
		s.maker.Delete(ctx, id)
	}
}

// release deletes the shadow copy id when it was made on conn: nobody
// releases another connection's.
func (s *Server) release(ctx context.Context, id string, conn uint64) error {
	s.mu.Lock()
	sh, ok := s.live[id]
	s.mu.Unlock()
	if !ok || sh.conn != conn {
		return fmt.Errorf("%w: %q", snapshot.ErrUnknown, id)
	}
	return s.delete(ctx, sh)
}

// delete deletes sh. One that could not be deleted stays live: the
// expiry and the next start try again.
func (s *Server) delete(ctx context.Context, sh *shadow) error {
	dctx, cancel := context.WithTimeout(ctx, s.lim.DeleteTimeout)
	err := s.maker.Delete(dctx, sh.id)
	cancel()
	if err != nil {
		s.logf("delete the shadow copy %s: %v", sh.id, err)
		return fmt.Errorf("%w: delete %s: %v", snapshot.ErrFailed, sh.id, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.live[sh.id] == sh {
		delete(s.live, sh.id)
		s.saveLocked()
	}
	return nil
}

// dropConn deletes what the connection conn of user made: its client is
// gone.
func (s *Server) dropConn(conn uint64, user string) {
	s.deleteWhere(func(sh *shadow) bool { return sh.conn == conn })
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open[user]--; s.open[user] <= 0 {
		delete(s.open, user)
	}
}

// Expire deletes the shadow copies older than MaxAge; the service calls it
// every minute.
func (s *Server) Expire() {
	now := s.now()
	s.deleteWhere(func(sh *shadow) bool { return now.Sub(sh.created) >= s.lim.MaxAge })
}

// Shutdown deletes every live shadow copy: the service is stopping.
func (s *Server) Shutdown() { s.deleteWhere(func(*shadow) bool { return true }) }

func (s *Server) deleteWhere(match func(*shadow) bool) {
	s.mu.Lock()
	var doomed []*shadow
	for _, sh := range s.live {
		if match(sh) {
			doomed = append(doomed, sh)
		}
	}
	s.mu.Unlock()
	for _, sh := range doomed {
		s.delete(context.Background(), sh)
	}
}

// Recover deletes the shadow copies an earlier run left (it stopped
// without deleting them: a crash, a power cut). Only IDs this service
// wrote are read, and only valid ones are deleted; those that cannot be
// deleted are kept for the next start.
func (s *Server) Recover(ctx context.Context) {
	ids, err := s.ledger.Load()
	if err != nil {
		s.logf("read the shadow copies left by the last run: %v", err)
		return
	}
	var left []string
	for _, id := range ids {
		if !snapshot.ValidID(id) {
			continue
		}
		dctx, cancel := context.WithTimeout(ctx, s.lim.DeleteTimeout)
		err := s.maker.Delete(dctx, id)
		cancel()
		if err != nil {
			s.logf("delete the shadow copy %s left by the last run: %v", id, err)
			left = append(left, id)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range left {
		// Created at the zero time: the next Expire tries again.
		s.live[id] = &shadow{id: id}
	}
	s.saveLocked()
}

// saveLocked writes the live IDs to the ledger; s.mu is held.
func (s *Server) saveLocked() {
	ids := make([]string, 0, len(s.live))
	for id := range s.live {
		ids = append(ids, id)
	}
	if err := s.ledger.Save(ids); err != nil {
		s.logf("write the live shadow copies: %v", err)
	}
}
