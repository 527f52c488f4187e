package backup

import (
	"sync/atomic"

	"github.com/cairnbackup/cairn/engine"
)

// progress holds the counters behind Progress.
type progress struct {
	seen, filesToRead, bytesToRead, filesRead, bytesRead atomic.Int64
	scanDone                                             atomic.Bool
	current                                              atomic.Pointer[string]
}

func (pr *progress) setCurrent(path string) { pr.current.Store(&path) }

func (p *pass) snapshot() Progress {
	pr := &p.prog
	s := Progress{
		Scanning: !pr.scanDone.Load(), FilesSeen: pr.seen.Load(),
		FilesToRead: pr.filesToRead.Load(), BytesToRead: pr.bytesToRead.Load(),
		FilesRead: pr.filesRead.Load(), BytesRead: pr.bytesRead.Load(),
		BytesStored: p.packer.Stored(), Elapsed: p.opts.Now().Sub(p.start),
	}
	if c := pr.current.Load(); c != nil {
		s.Current = *c
	}
	return s
}

// startProgress reports progress until the returned function is called,
// which reports once more, last.
func (p *pass) startProgress() func() {
	if p.opts.Progress == nil {
		return func() {}
	}
	return engine.Every(p.opts.ProgressEvery, func() { p.opts.Progress(p.snapshot()) })
}
