//go:build !cgo

package compress

import (
	"github.com/klauspost/compress/zstd"
)

// Implementation is the zstd library in use, for reports.
const Implementation = "klauspost/compress (pure Go)"

type encoder struct{ enc *zstd.Encoder }

func newEncoder() encoder {
	e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault),
		zstd.WithEncoderConcurrency(1), zstd.WithLowerEncoderMem(true))
	if err != nil {
		panic(err) // only on invalid options
	}
	return encoder{enc: e}
}

func (e encoder) encode(dst, src []byte) ([]byte, error) { return e.enc.EncodeAll(src, dst), nil }

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
