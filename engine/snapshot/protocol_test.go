package snapshot

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
)

func TestMessagesRoundTrip(t *testing.T) {
	var b bytes.Buffer
	req := Request{Version: ProtocolVersion, Op: OpSnapshot, Volume: `C:\`}
	if err := Write(&b, req); err != nil {
		t.Fatal(err)
	}
	if got := binary.BigEndian.Uint32(b.Bytes()); int(got) != b.Len()-4 {
		t.Fatalf("length prefix %d for %d bytes", got, b.Len()-4)
	}
	var back Request
	if err := Read(&b, &back); err != nil || back != req {
		t.Fatalf("read %+v, %v; want %+v", back, err, req)
	}
	if err := Read(&b, &back); err != io.EOF {
		t.Fatalf("after the last message: %v, want io.EOF", err)
	}
}

func TestReadRefusesWhatIsNotAMessage(t *testing.T) {
	big := make([]byte, 4)
	binary.BigEndian.PutUint32(big, MaxMessage+1)
	short := append(binary.BigEndian.AppendUint32(nil, 10), `{"v"`...)
	notJSON := append(binary.BigEndian.AppendUint32(nil, 3), `{{{`...)
	for name, in := range map[string][]byte{"too big": big, "cut short": short, "not JSON": notJSON, "half a length": {0, 0}} {
		var r Request
		if err := Read(bytes.NewReader(in), &r); err == nil || err == io.EOF {
			t.Errorf("%s: Read = %v, want an error", name, err)
		}
	}
	if err := Write(io.Discard, Request{ID: strings.Repeat("x", MaxMessage)}); err == nil {
		t.Error("Write of a message over MaxMessage succeeded")
	}
}

func TestCodesRoundTrip(t *testing.T) {
	for _, c := range codes {
		wrapped := errors.Join(errors.New("context"), c.err)
		if got := ErrorOf(Code(wrapped), "why"); !errors.Is(got, c.err) {
			t.Errorf("%v came back as %v", c.err, got)
		}
	}
	if Code(nil) != "" || ErrorOf("", "") != nil {
		t.Error("success is not the empty code")
	}
	if got := ErrorOf("from-a-newer-service", "x"); !errors.Is(got, ErrFailed) {
		t.Errorf("an unknown code is %v, want ErrFailed", got)
	}
	if Code(errors.New("anything")) != "failed" {
		t.Error("an unknown error is not failed")
	}
}

// The client's end against a hand-written server end.
func TestConnSnapshotAndRelease(t *testing.T) {
	client, server := net.Pipe()
	c := NewConn(client)
	go func() {
		var req Request
		for Read(server, &req) == nil {
			switch {
			case req.Version != ProtocolVersion:
				Write(server, Response{Code: Code(ErrBadRequest)})
			case req.Op == OpSnapshot:
				Write(server, Response{Shadow: Shadow{ID: testID, Device: dev3, Volume: req.Volume}})
			default:
				Write(server, Response{Code: Code(ErrUnknown), Message: "no " + req.ID})
			}
		}
		server.Close()
	}()
	sh, err := c.Snapshot(context.Background(), `C:\`)
	if err != nil || sh.ID != testID || sh.Device != dev3 {
		t.Fatalf("Snapshot = %+v, %v", sh, err)
	}
	if err := c.Release(context.Background(), "x"); !errors.Is(err, ErrUnknown) {
		t.Fatalf("Release = %v, want ErrUnknown", err)
	}
	c.Close()
}

func TestConnRefusesAForgedAnswer(t *testing.T) {
	client, server := net.Pipe()
	c := NewConn(client)
	go func() {
		var req Request
		Read(server, &req)
		Write(server, Response{Shadow: Shadow{ID: testID, Device: `\\?\C:\Users\attacker`}})
	}()
	if _, err := c.Snapshot(context.Background(), `C:\`); !errors.Is(err, ErrFailed) {
		t.Fatalf("Snapshot = %v, want ErrFailed", err)
	}
	c.Close()
}

func TestConnGivesUpWithItsContext(t *testing.T) {
	client, server := net.Pipe()
	defer server.Close()
	c := NewConn(client)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		var req Request
		Read(server, &req) // and never answer
		cancel()
	}()
	if _, err := c.Snapshot(ctx, `C:\`); !errors.Is(err, context.Canceled) {
		t.Fatalf("Snapshot = %v, want context.Canceled", err)
	}
}

const testID = "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}"

func FuzzRead(f *testing.F) {
	var b bytes.Buffer
	Write(&b, Request{Version: 1, Op: OpSnapshot, Volume: `C:\`})
	f.Add(b.Bytes())
	f.Add([]byte{0, 0, 0, 2, '{', '}'})
	f.Fuzz(func(t *testing.T, in []byte) {
		var r Request
		if err := Read(bytes.NewReader(in), &r); err != nil {
			return
		}
		var out bytes.Buffer
		if Write(&out, r) != nil {
			return // JSON escapes can make it longer than MaxMessage
		}
		var back Request
		if err := Read(&out, &back); err != nil || back != r {
			t.Fatalf("%+v came back as %+v, %v", r, back, err)
		}
	})
}
