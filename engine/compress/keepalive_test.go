package compress

import (
	"runtime"
	"sync"
	"testing"
)

// Compressors made and dropped while the garbage collector runs must not
// crash (the C context must outlive every call on it).
func TestShortLivedCompressorsUnderGC(t *testing.T) {
	in := text(256 << 10)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				runtime.GC()
			}
		}
	}()
	for i := 0; i < 300; i++ {
		out, algo := NewCompressor().Compress(nil, in)
		if _, err := NewDecompressor().Decompress(nil, algo, out, len(in)); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
}
