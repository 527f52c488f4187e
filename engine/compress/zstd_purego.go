//go:build !cgo

package compress

import (
	"github.com/klauspost/compress/zstd"
)

// Implementation is the zstd library in use, for reports.
const Implementation = "klauspost/compress (pure Go)"

// encoder holds one klauspost encoder per speed: SpeedFastest stands for
// zstd's level 1, SpeedDefault for levels 2 and 3 (the library has no level 2).
// The fast one is made when first needed.
type encoder struct{ fast, def *zstd.Encoder }

func newEncoder() *encoder { return &encoder{def: newZstdEncoder(zstd.SpeedDefault)} }

func newZstdEncoder(speed zstd.EncoderLevel) *zstd.Encoder {
	e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(speed),
		zstd.WithEncoderConcurrency(1), zstd.WithLowerEncoderMem(true))
	if err != nil {
		panic(err) // only on invalid options
	}
	return e
}

func (e *encoder) encode(dst, src []byte, level int) ([]byte, error) {
	if level > 1 {
		return e.def.EncodeAll(src, dst), nil
	}
	if e.fast == nil {
		e.fast = newZstdEncoder(zstd.SpeedFastest)
	}
	return e.fast.EncodeAll(src, dst), nil
}

type decoder struct{ d *zstd.Decoder }

func newDecoder() decoder {
	d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxMemory(64<<20))
	if err != nil {
		panic(err) // only on invalid options
	}
	return decoder{d: d}
}

func (dec decoder) decode(dst, payload []byte, rawLen int) ([]byte, error) {
	d := dec.d
	if cap(dst)-len(dst) < rawLen {
		grown := make([]byte, len(dst), len(dst)+rawLen)
		copy(grown, dst)
		dst = grown
	}
	return d.DecodeAll(payload, dst)
}
