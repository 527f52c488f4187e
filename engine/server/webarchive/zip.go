package webarchive

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/klauspost/compress/flate"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
)

// WriteZip writes the folder dir as of at (zero: the latest) to w as a zip
// file, streamed: names are relative to dir's parent ("docs/report.txt"
// for /home/ana/docs), folders have entries of their own (so empty ones
// come too), and every entry keeps its modification time and permission
// bits. Files whose name says they are compressed already (photos, video,
// music, archives, office documents) are stored; the others are deflated
// at the fastest level, which costs less than the network they cross.
// Links and special files are left out: a zip cannot recreate them safely
// on every system.
//
// Before writing anything it adds up the folder (FolderSize): over maxBytes
// (when > 0) it returns an error wrapping ErrTooLarge that says both sizes;
// then it checks that every file's data is stored, and names the first that
// is not. A chunk found damaged while streaming ends the zip early with an
// error (the download is then incomplete, which the caller must not present
// as a success).
func (a *Archive) WriteZip(ctx context.Context, w io.Writer, dir string, at time.Time, maxBytes int64) error {
	st, done, err := a.state()
	if err != nil {
		return err
	}
	defer done()
	if dir, err = cleanPath(dir); err != nil {
		return err
	}
	v := view(at, false)
	files, size, err := a.survey(st, dir, v, true)
	var damaged *damagedFile
	if errors.As(err, &damaged) {
		err = nil // over the cap says more; else reported below
	}
	if err != nil {
		return err
	}
	if maxBytes > 0 && size > maxBytes {
		return fmt.Errorf("%w: %s holds %s in %d files, more than the %s a download may hold", ErrTooLarge, dir,
			words(size), files, words(maxBytes))
	}
	if damaged != nil {
		return damaged.err
	}
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	parent := path.Dir(dir)
	cr := st.newChunkReader()
	defer cr.close()
	err = st.ix.Tree(dest, dir, v, func(e index.Entry) error {
		return a.zipEntry(ctx, cr, zw, parent, &e.Version)
	})
	if err != nil {
		return damagedIndex(dir, err)
	}
	return zw.Close()
}

// damagedFile is the first file survey found with data missing.
type damagedFile struct{ err error }

func (d *damagedFile) Error() string { return d.err.Error() }
func (d *damagedFile) Unwrap() error { return d.err }

// survey adds up the regular files in dir as of v and, with check, checks
// that each has all its data stored: the first that has not comes back as
// a *damagedFile error, with the sums complete.
func (a *Archive) survey(st *state, dir string, v index.View, check bool) (files int, bytes int64, err error) {
	var damaged error
	found := false
	err = st.ix.Tree(dest, dir, v, func(e index.Entry) error {
		if err := a.alive(); err != nil {
			return err
		}
		found = true
		if e.Version.Type != engine.TypeRegular {
			return nil
		}
		files++
		bytes = addSat(bytes, e.Version.Size)
		if check && damaged == nil {
			damaged = st.check(&e.Version)
		}
		return nil
	})
	switch {
	case err != nil:
		return 0, 0, damagedIndex(dir, err)
	case !found:
		return 0, 0, fmt.Errorf("%s: %w", dir, engine.ErrNotFound)
	case damaged != nil:
		return files, bytes, &damagedFile{damaged}
	}
	return files, bytes, nil
}

// zipEntry adds one path to the zip.
func (a *Archive) zipEntry(ctx context.Context, cr *chunkReader, zw *zip.Writer, parent string, v *engine.Version) error {
	if v.Type != engine.TypeDir && v.Type != engine.TypeRegular {
		return nil
	}
	name, ok := zipName(parent, v.Path)
	if !ok {
		return nil // the folder's parent itself, or a name that is no path
	}
	h := &zip.FileHeader{Name: name, Method: zip.Store, Modified: time.Unix(0, v.ModTime)}
	mode := fs.FileMode(v.Mode & 0o777)
	if v.Type == engine.TypeDir {
		h.Name += "/"
		h.SetMode(fs.ModeDir | mode)
		_, err := zw.CreateHeader(h)
		return err
	}
	h.SetMode(mode)
	if !storedAsIs(name) {
		h.Method = zip.Deflate
	}
	fw, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	return a.copyContent(ctx, cr, fw, v)
}

// zipName is p relative to parent, as a zip entry name. The archive checked
// every path when it was read (absolute, no empty, "." or ".." elements);
// backslashes and colons become '_' too, so no extractor on Windows can
// read a name as a path of its own or a drive.
func zipName(parent, p string) (string, bool) {
	rel := strings.TrimPrefix(p, strings.TrimSuffix(parent, "/")+"/")
	if rel == p || rel == "" {
		return "", false
	}
	for _, el := range strings.Split(rel, "/") {
		if el == "" || el == "." || el == ".." {
			return "", false
		}
	}
	return strings.NewReplacer(`\`, "_", ":", "_").Replace(rel), true
}

// compressedExts are file types that are compressed already: deflating
// them again costs time and saves nothing.
var compressedExts = map[string]bool{
	"jpg": true, "jpeg": true, "png": true, "gif": true, "webp": true, "heic": true, "heif": true, "avif": true,
	"mp3": true, "m4a": true, "aac": true, "ogg": true, "opus": true, "flac": true,
	"mp4": true, "m4v": true, "mov": true, "mkv": true, "webm": true, "avi": true,
	"zip": true, "gz": true, "tgz": true, "bz2": true, "xz": true, "zst": true, "7z": true, "rar": true,
	"docx": true, "xlsx": true, "pptx": true, "odt": true, "ods": true, "odp": true, "epub": true,
	"jar": true, "apk": true, "pdf": true,
}

func storedAsIs(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext != "" && compressedExts[ext[1:]]
}

// words says a size for a person, in decimal units as the server's
// settings take them ("12.4 GB").
func words(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	f, u := float64(n), 0
	units := []string{"kB", "MB", "GB", "TB", "PB", "EB"}
	for f /= unit; f >= unit && u < len(units)-1; f /= unit {
		u++
	}
	if f < 10 {
		return strings.TrimSuffix(fmt.Sprintf("%.1f", f), ".0") + " " + units[u]
	}
	return fmt.Sprintf("%.0f %s", f, units[u])
}
