package restore

import (
	"bytes"
	"io"
)

// holeBlock is the granularity of the holes a restore leaves: the zeros of
// an all-zero 64 KiB block of a file, aligned in the file, are not written,
// so the block stays a hole that reads back as zeros and takes no disk space.
// A chunk's first and last blocks may be partial: their zeros are left out
// too, so that a block shared by two all-zero chunks stays a hole. Shorter
// runs of zeros inside data are written: splitting writes for them would cost
// more than it saves.
const holeBlock = 64 << 10

var zeroBlock [holeBlock]byte

// isZero says whether b holds only zeros (at most holeBlock bytes).
func isZero(b []byte) bool { return bytes.Equal(b, zeroBlock[:len(b)]) }

// writeSparse writes data at off in fh, leaving out the aligned blocks that
// are all zeros. It says whether it left any out: the file's size must then
// be set at the end (a hole at the end does not extend a file).
func writeSparse(fh io.WriterAt, data []byte, off int64) (holes bool, err error) {
	pending := 0 // start of the data not yet written
	for i := 0; i < len(data); {
		end := min(len(data), i+holeBlock-int((off+int64(i))%holeBlock))
		if isZero(data[i:end]) {
			if pending < i {
				if _, err := fh.WriteAt(data[pending:i], off+int64(pending)); err != nil {
					return holes, err
				}
			}
			pending, holes = end, true
		}
		i = end
	}
	if pending < len(data) {
		_, err = fh.WriteAt(data[pending:], off+int64(pending))
	}
	return holes, err
}
