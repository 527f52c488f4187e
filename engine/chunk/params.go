package chunk

import (
	"errors"
	"fmt"
	"math/bits"
)

// Params are the chunk sizes in bytes. Min <= Avg <= Max, Avg a power of two.
//
// Min is the smallest chunk (except the last one of a stream), Max the largest,
// and Avg the normal size: FastCDC's normalized chunking makes a cut unlikely
// before Avg and likely after it, so most chunks are close to Avg.
type Params struct{ Min, Avg, Max int }

// Default is the archive default: Min 128 KiB, Avg 512 KiB, Max 2 MiB.
// TUNING.md has the measurements that chose it.
var Default = Params{Min: 128 << 10, Avg: 512 << 10, Max: 2 << 20}

// Limits of Params.Avg. Below MinAvg chunks would be no longer than the hash
// window and the loose mask would have under 4 bits; above MaxAvg the strict
// mask would reach hash bits that see fewer than 32 bytes.
const (
	MinAvg = 64
	MaxAvg = 1 << 30
)

// ErrInvalidParams is wrapped by New when the Params break their contract.
var ErrInvalidParams = errors.New("invalid chunk params")

// Validate reports whether p can be used to chunk, and what is wrong if not.
func (p Params) Validate() error {
	switch {
	case p.Min < 1:
		return fmt.Errorf("%w: min %d is not positive", ErrInvalidParams, p.Min)
	case p.Avg < MinAvg || p.Avg > MaxAvg:
		return fmt.Errorf("%w: avg %d is outside [%d, %d]", ErrInvalidParams, p.Avg, MinAvg, MaxAvg)
	case p.Avg&(p.Avg-1) != 0:
		return fmt.Errorf("%w: avg %d is not a power of two", ErrInvalidParams, p.Avg)
	case p.Min > p.Avg:
		return fmt.Errorf("%w: min %d is larger than avg %d", ErrInvalidParams, p.Min, p.Avg)
	case p.Avg > p.Max:
		return fmt.Errorf("%w: avg %d is larger than max %d", ErrInvalidParams, p.Avg, p.Max)
	}
	return nil
}

// String formats p as "min/avg/max" for logs and test names.
func (p Params) String() string {
	return fmt.Sprintf("%s/%s/%s", size(p.Min), size(p.Avg), size(p.Max))
}

func size(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dM", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dK", n>>10)
	}
	return fmt.Sprint(n)
}

// normLevel is FastCDC's normalization level: the strict mask has normLevel
// more one-bits than log2(Avg), the loose mask normLevel fewer.
const normLevel = 2

// masks returns the strict mask (used for chunk lengths below Avg) and the
// loose mask (from Avg on), with log2(Avg)+2 and log2(Avg)-2 one-bits. The
// one-bits are contiguous and end at bit 62. Bit b of the gear hash depends on
// the last b+1 bytes, so high bits give every tested bit a window of at least
// 62-log2(Avg) bytes (43 at the default), like the zero-padded masks of the
// FastCDC paper; bit 63 stays clear because the two-bytes-per-step loop tests
// mask<<1. Part of the archive format.
func masks(avg int) (strict, loose uint64) {
	b := bits.TrailingZeros(uint(avg))
	return mask(b + normLevel), mask(b - normLevel)
}

func mask(ones int) uint64 {
	return (uint64(1)<<ones - 1) << (63 - ones)
}
