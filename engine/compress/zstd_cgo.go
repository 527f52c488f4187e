//go:build cgo

package compress

import (
	"errors"
	"runtime"

	ddzstd "github.com/DataDog/zstd"
)

// Implementation is the zstd library in use, for reports.
const Implementation = "libzstd (cgo)"

type encoder struct{ ctx ddzstd.Ctx }

func newEncoder() *encoder { return &encoder{ctx: ddzstd.NewCtx()} }

func (e encoder) encode(dst, src []byte, level int) ([]byte, error) {
	n := len(dst)
	need := n + ddzstd.CompressBound(len(src))
	if cap(dst) < need {
		grown := make([]byte, n, need)
		copy(grown, dst)
		dst = grown
	}
	out, err := e.ctx.CompressLevel(dst[n:need], src, level)
	// The library frees its C context in a finalizer; without this the
	// context can be collected, and freed, while C is still using it.
	runtime.KeepAlive(e.ctx)
	if err != nil {
		return nil, err
	}
	return dst[:n+len(out)], nil
}

type decoder struct{ ctx ddzstd.Ctx }

func newDecoder() decoder { return decoder{ctx: ddzstd.NewCtx()} }

func (d decoder) decode(dst, payload []byte, rawLen int) ([]byte, error) {
	if rawLen <= 0 || len(payload) == 0 {
		return nil, errors.New("empty frame")
	}
	n := len(dst)
	if cap(dst)-n < rawLen {
		grown := make([]byte, n, n+rawLen)
		copy(grown, dst)
		dst = grown
	}
	// DecompressInto never writes past the buffer it is given; a frame that
	// wants more fails instead of allocating.
	k, err := d.ctx.DecompressInto(dst[n:n+rawLen], payload)
	runtime.KeepAlive(d.ctx) // see encode
	if err != nil {
		return nil, err
	}
	if k != rawLen {
		return nil, errors.New("short frame")
	}
	return dst[:n+k], nil
}
