package device

import (
	"context"
	"io"

	"github.com/cairnbackup/cairn/engine/throttle"
)

// SetUploadLimit holds uploads to servers to bytesPerSec (0: no limit),
// at once, also for uploads under way. The service sets it from the
// throttle policy (present or away).
func (d *Device) SetUploadLimit(bytesPerSec int64) { d.uploadLimiter().SetLimit(bytesPerSec) }

func (d *Device) uploadLimiter() *throttle.Limiter {
	d.uploadOnce.Do(func() { d.upload = throttle.NewLimiter(0) })
	return d.upload
}

// limitUpload is remote.Config.Limit.
func (d *Device) limitUpload(ctx context.Context, r io.Reader) io.Reader {
	return d.uploadLimiter().Reader(ctx, r)
}
