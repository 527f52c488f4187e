package fs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cairnbackup/cairn/engine"
)

// A Windows folder is listed with GetFileInformationByHandleEx on a handle
// to the folder: each call fills a buffer with records chained by
// NextEntryOffset, and each record carries what change detection compares
// (size, modification and change time, the file ID) and what decides the
// entry's kind (attributes, reparse tag). A scan so needs one open per
// folder instead of one per file. The records are decoded here, without
// build tags, so the decoding is tested on every system; windir_windows.go
// makes the calls.

// winDirClass is the layout of one kind of directory record (winbase.h,
// ntifs.h). All three share their first 64 bytes: NextEntryOffset (0),
// FileIndex (4), CreationTime (8), LastAccessTime (16), LastWriteTime
// (24), ChangeTime (32), EndOfFile (40), AllocationSize (48),
// FileAttributes (56), FileNameLength (60, in bytes of UTF-16).
type winDirClass struct {
	info, restart uint32 // FILE_INFO_BY_HANDLE_CLASS: next records, and from the start
	tagAt         int    // the reparse tag, where FILE_ATTRIBUTE_REPARSE_POINT is set
	idAt, idLen   int    // the file ID: 16 bytes, 8, or none (idLen 0)
	nameAt        int    // FileName, after the fixed part
}

// The classes a folder is listed with, best first (winDirClasses).
var (
	// winDirExtd is FILE_ID_EXTD_DIR_INFO (FileIdExtdDirectoryInfo): the
	// 128-bit file ID ReFS needs (its 64-bit IDs may not be unique) and
	// the reparse tag in its own field (ReparsePointTag, after EaSize).
	winDirExtd = winDirClass{info: 19, restart: 20, tagAt: 68, idAt: 72, idLen: 16, nameAt: 88}
	// winDirIDBoth is FILE_ID_BOTH_DIR_INFO (FileIdBothDirectoryInfo): the
	// 64-bit file ID after the 8.3 short name; EaSize (64) holds the
	// reparse tag of a reparse point.
	winDirIDBoth = winDirClass{info: 10, restart: 11, tagAt: 64, idAt: 96, idLen: 8, nameAt: 104}
	// winDirFull is FILE_FULL_DIR_INFO (FileFullDirectoryInfo), which
	// every file system answers: no file ID.
	winDirFull = winDirClass{info: 14, restart: 15, tagAt: 64, nameAt: 68}
)

// winDirClasses lists the classes to try on a folder, starting with the
// one that worked on its parent (start; the zero value: none yet), then
// the others, best first. A folder in another file system (a share, a FAT
// stick mounted in a folder) may answer fewer.
func winDirClasses(start winDirClass) []winDirClass {
	all := []winDirClass{winDirExtd, winDirIDBoth, winDirFull}
	if start.info == 0 {
		return all
	}
	out := []winDirClass{start}
	for _, c := range all {
		if c != start {
			out = append(out, c)
		}
	}
	return out
}

// winDirEntry is one record of a Windows folder listing.
type winDirEntry struct {
	Name           string // WTF-8, as Go's os package makes it, so it opens again
	Attrs          uint32 // FileAttributes
	Tag            uint32 // the reparse tag; 0 unless Attrs has FILE_ATTRIBUTE_REPARSE_POINT
	ChangeTime     int64  // 100 ns since 1601 (UTC); 0 where the file system has none
	LastWriteTime  int64  // 100 ns since 1601 (UTC)
	EndOfFile      int64  // the size
	AllocationSize int64  // the space on disk
	IDLow, IDHigh  uint64 // FileId (IDHigh 0 for a 64-bit one); 0 when the class has none
}

// errWinDirRecord says a listing buffer does not hold well-formed records:
// a call returned something else than documented; the folder is then read
// entry by entry.
var errWinDirRecord = errors.New("malformed Windows directory record")

// winAttrFieldsEnd is where the fields every class shares end.
const winAttrFieldsEnd = 64

// appendWinDir decodes the records of class c that fill buf from its start
// (one GetFileInformationByHandleEx call's answer) and appends them to dst,
// leaving out "." and ".." and records without a name. It checks every
// offset against buf, so a malformed buffer is an error, never a panic.
func appendWinDir(dst []winDirEntry, buf []byte, c winDirClass) ([]winDirEntry, error) {
	le := binary.LittleEndian
	for off := 0; ; {
		rec := buf[off:]
		if len(rec) < c.nameAt {
			return dst, fmt.Errorf("record at %d is %d bytes, under the %d of its fixed part: %w",
				off, len(rec), c.nameAt, errWinDirRecord)
		}
		next, nameLen := int64(le.Uint32(rec[0:])), int64(le.Uint32(rec[60:]))
		end := int64(c.nameAt) + nameLen
		if nameLen%2 != 0 || end > int64(len(rec)) || (next != 0 && (next < end || next > int64(len(rec)))) {
			return dst, fmt.Errorf("record at %d: name of %d bytes, next record at +%d, in %d bytes: %w",
				off, nameLen, next, len(rec), errWinDirRecord)
		}
		if e, ok := decodeWinDirRecord(rec[:end], c); ok {
			dst = append(dst, e)
		}
		if next == 0 {
			return dst, nil
		}
		off += int(next)
	}
}

// decodeWinDirRecord decodes one record whose name ends rec; ok is false
// for "." and ".." and an empty name, which are not entries.
func decodeWinDirRecord(rec []byte, c winDirClass) (winDirEntry, bool) {
	le := binary.LittleEndian
	units := make([]uint16, (len(rec)-c.nameAt)/2)
	for i := range units {
		units[i] = le.Uint16(rec[c.nameAt+2*i:])
	}
	if len(units) == 0 || (len(units) <= 2 && units[0] == '.' && (len(units) == 1 || units[1] == '.')) {
		return winDirEntry{}, false
	}
	e := winDirEntry{
		Name:           wtf16ToString(units),
		Attrs:          le.Uint32(rec[56:]),
		ChangeTime:     int64(le.Uint64(rec[32:])),
		LastWriteTime:  int64(le.Uint64(rec[24:])),
		EndOfFile:      int64(le.Uint64(rec[40:])),
		AllocationSize: int64(le.Uint64(rec[48:])),
	}
	if e.Attrs&winAttrReparsePoint != 0 {
		e.Tag = le.Uint32(rec[c.tagAt:])
	}
	if c.idLen >= 8 {
		e.IDLow = le.Uint64(rec[c.idAt:])
	}
	if c.idLen == 16 {
		e.IDHigh = le.Uint64(rec[c.idAt+8:])
	}
	return e, true
}

// wtf16ToString turns a Windows name into a Go string as Go's os package
// does (syscall.UTF16ToString): a lone surrogate, which NTFS allows in a
// name, becomes its 3-byte WTF-8 form rather than U+FFFD, so the name
// turns back into the same UTF-16 and the file opens.
func wtf16ToString(s []uint16) string {
	buf := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		r := rune(s[i])
		switch {
		case !utf16.IsSurrogate(r):
		case r < 0xDC00 && i+1 < len(s) && s[i+1] >= 0xDC00 && s[i+1] < 0xE000:
			r = utf16.DecodeRune(r, rune(s[i+1]))
			i++
		default:
			buf = append(buf, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
			continue
		}
		buf = utf8.AppendRune(buf, r)
	}
	return string(buf)
}

// info describes the entry as Dir.Lstat does: kind and note from its
// attributes and reparse tag (windowsEntry), permissions as Go's os package
// gives them (winPerm), the size (0 for a folder), the modification time,
// and Dev from the volume of its folder (GetFileInformationByHandle on the
// folder: a hard link never leaves its volume, and what a junction points
// to is not walked). With trustIDs (the volume can open files by ID:
// NTFS, ReFS), Inode from the file ID and CTime from the change time;
// otherwise (FAT, exFAT, some shares) they stay 0, "not known", which
// index.Stat.Same does not compare: what the listing calls a file's ID there
// need not be what its handle says when the file is read. Nlink is 1: the
// listing has no link count, which Fstat gives when the file is read.
func (e winDirEntry) info(volume uint32, trustIDs bool) Info {
	tag := e.Tag
	if e.Attrs&winAttrReparsePoint == 0 {
		tag = 0
	}
	i := Info{Size: e.EndOfFile, ModTime: winModTimeNs(e.LastWriteTime), Mode: winPerm(e.Attrs, tag),
		Dev: uint64(volume), Nlink: 1}
	if trustIDs {
		i.Inode, i.CTime = winFileID(e.IDLow, e.IDHigh), winTimeNs(e.ChangeTime)
	}
	i.Type, i.NotBackedUp = windowsEntry(e.Attrs, tag)
	if i.Type == engine.TypeDir {
		i.Size = 0
	}
	return i
}

// winAttrReadOnly is FILE_ATTRIBUTE_READONLY.
const winAttrReadOnly = 0x1

// winPerm gives the permission bits Go's os package reports for a Windows
// entry (os.fileStat.Mode), so an entry described from a listing compares
// equal to one described through os.Lstat or os.File.Stat: 0444 when
// read-only, else 0666, plus 0111 for a folder that is not a link-like
// reparse point.
func winPerm(attrs, tag uint32) uint32 {
	p := uint32(0o666)
	if attrs&winAttrReadOnly != 0 {
		p = 0o444
	}
	surrogate := attrs&winAttrReparsePoint != 0 && tag&winTagNameSurrogate != 0
	if attrs&winAttrDirectory != 0 && !surrogate {
		p |= 0o111
	}
	return p
}

// winModTimeNs turns a Windows time into Unix ns exactly as Go's
// syscall.Filetime.Nanoseconds does (0 included), so the listing's
// modification time equals os.FileInfo.ModTime's.
func winModTimeNs(t int64) int64 { return (t - winEpochDelta) * 100 }

// winListing is a folder's listing, kept by Dir.Names so that Dir.Lstat
// describes each entry from it instead of opening it.
type winListing struct {
	entries  []winDirEntry // sorted by name
	used     []bool        // described once already: the next Lstat asks the disk
	volume   uint32        // the folder's volume serial number
	trustIDs bool          // the volume can open files by ID (winDirEntry.info)
}

func newWinListing(entries []winDirEntry, volume uint32, trustIDs bool) *winListing {
	slices.SortFunc(entries, func(a, b winDirEntry) int { return strings.Compare(a.Name, b.Name) })
	return &winListing{entries: entries, used: make([]bool, len(entries)), volume: volume, trustIDs: trustIDs}
}

// names lists the entries, sorted by name bytes as on Unix.
func (l *winListing) names() []string {
	names := make([]string, len(l.entries))
	for i, e := range l.entries {
		names[i] = e.Name
	}
	return names
}

// lstat describes the entry named name as listed, once: a second call, or
// a name not listed, says ok false and the caller asks the disk (a walk
// describes each entry once; anything else gets what is there now).
func (l *winListing) lstat(name string) (Info, bool) {
	i, found := slices.BinarySearchFunc(l.entries, name, func(e winDirEntry, n string) int { return strings.Compare(e.Name, n) })
	if !found || l.used[i] {
		return Info{}, false
	}
	l.used[i] = true
	return l.entries[i].info(l.volume, l.trustIDs), true
}

// winDirClassUnsupported says whether a Windows error from listing a folder
// with one class means the file system does not answer that class (try the
// next: winDirClasses) rather than that the folder cannot be read:
// ERROR_INVALID_FUNCTION, ERROR_NOT_SUPPORTED, ERROR_INVALID_PARAMETER
// (STATUS_INVALID_INFO_CLASS), ERROR_CALL_NOT_IMPLEMENTED,
// ERROR_INVALID_LEVEL; and a malformed answer.
func winDirClassUnsupported(err error) bool {
	if errors.Is(err, errWinDirRecord) {
		return true
	}
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return false
	}
	switch errno {
	case 1, 50, 87, 120, 124:
		return true
	}
	return false
}

// winListHow says how a folder opened without following it
// (FILE_FLAG_OPEN_REPARSE_POINT) is listed (winListAs).
type winListHow int

const (
	winListThis     winListHow = iota // a plain folder: list this handle
	winListFollowed                   // a reparse point that is no link (a cloud folder): open it again, followed
	winListRefused                    // not a folder, or a link now (a junction, a symlink): not followed
)

// winListAs decides how a sub-folder is listed, from the attributes and
// reparse tag of its own handle. A link-like one was made a junction or
// symlink since its parent was listed, and is not followed. Any other
// reparse point is listed through a handle that follows it, as os.Open
// does, so the file system filter that owns it answers: a cloud provider
// may fill a folder's entries in only when it is listed, and a listing that
// bypassed it would show an empty folder, whose files the pass would then
// mark deleted.
func winListAs(attrs, tag uint32) winListHow {
	switch {
	case attrs&winAttrDirectory == 0:
		return winListRefused
	case attrs&winAttrReparsePoint == 0:
		return winListThis
	case tag&winTagNameSurrogate != 0:
		return winListRefused
	}
	return winListFollowed
}
