package snapshot

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"
)

// Conn is the client's end of a connection to the service. Its methods
// may be called from several goroutines: requests take turns.
type Conn struct {
	mu  sync.Mutex
	rwc io.ReadWriteCloser
}

// NewConn speaks the protocol over rwc (the pipe; net.Pipe in tests).
func NewConn(rwc io.ReadWriteCloser) *Conn { return &Conn{rwc: rwc} }

// Snapshot asks for a shadow copy of the drive volume ("C:\").
func (c *Conn) Snapshot(ctx context.Context, volume string) (Shadow, error) {
	resp, err := c.call(ctx, Request{Op: OpSnapshot, Volume: volume})
	if err != nil {
		return Shadow{}, err
	}
	if !ValidID(resp.ID) || !ValidDevice(resp.Device) {
		return Shadow{}, fmt.Errorf("%w: the helper answered an ID %q and device %q", ErrFailed, resp.ID, resp.Device)
	}
	return resp.Shadow, nil
}

// Release deletes the shadow copy id made on this connection.
func (c *Conn) Release(ctx context.Context, id string) error {
	_, err := c.call(ctx, Request{Op: OpRelease, ID: id})
	return err
}

// Close ends the connection; the service deletes what it made for it.
func (c *Conn) Close() error { return c.rwc.Close() }

// call sends req and reads its answer. When ctx ends first the connection
// is closed (a half-read answer would leave it out of step), so later
// calls fail.
func (c *Conn) call(ctx context.Context, req Request) (Response, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	req.Version = ProtocolVersion
	if d, ok := c.rwc.(interface{ SetDeadline(time.Time) error }); ok {
		t, _ := ctx.Deadline()
		_ = d.SetDeadline(t) // the zero time: none
	}
	stop := context.AfterFunc(ctx, func() { c.rwc.Close() })
	defer stop()
	var resp Response
	err := Write(c.rwc, req)
	if err == nil {
		err = Read(c.rwc, &resp)
	}
	if ctx.Err() != nil {
		return Response{}, ctx.Err()
	}
	if err != nil {
		return Response{}, fmt.Errorf("talk to the open-file helper: %w", err)
	}
	return resp, ErrorOf(resp.Code, resp.Message)
}
