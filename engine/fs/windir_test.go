package fs

import (
	"encoding/binary"
	"errors"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine"
)

func TestAppendWinDirIDBoth(t *testing.T) {
	recs := profileRecords()
	got, err := appendWinDir(nil, winDirBuffer(t, 10, recs), winDirIDBoth)
	if err != nil {
		t.Fatal(err)
	}
	want := recs[2:] // without "." and ".."
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d: %+v", len(got), len(want), got)
	}
	for k, e := range got {
		r := want[k]
		tag := uint32(0)
		if r.attrs&winAttrReparsePoint != 0 {
			tag = r.tag
		}
		w := winDirEntry{Name: wtf16ToString(r.name), Attrs: r.attrs, Tag: tag, ChangeTime: r.change,
			LastWriteTime: r.write, EndOfFile: r.size, AllocationSize: r.alloc, IDLow: r.idLow}
		if e != w {
			t.Errorf("entry %d:\n got %+v\nwant %+v", k, e, w)
		}
	}
	names := []string{"Documents", "naïve café.txt", "日本語 ファイル.docx", "📷 2025.jpg", "x\xed\xa0\xbd.t",
		"My Music", "Report.pdf", "Kept.pdf", "big.iso", "empty.txt"}
	for k, n := range names {
		if got[k].Name != n {
			t.Errorf("name %d: %q, want %q", k, got[k].Name, n)
		}
	}
}

// The listing decides what each entry is as Lstat does (windowsEntry):
// the junction and the placeholder are left out with their notes, the
// dedup file and the downloaded cloud file are plain files.
func TestWinDirEntryInfo(t *testing.T) {
	entries, err := appendWinDir(nil, winDirBuffer(t, 10, profileRecords()), winDirIDBoth)
	if err != nil {
		t.Fatal(err)
	}
	mod := time.Date(2025, 3, 4, 5, 6, 7, 800, time.UTC).UnixNano()
	chg := time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC).UnixNano()
	want := map[string]struct {
		typ  engine.FileType
		note error
		size int64
		mode uint32
	}{
		"Documents":       {engine.TypeDir, nil, 0, 0o777},
		"naïve café.txt":  {engine.TypeRegular, nil, 1234, 0o666},
		"日本語 ファイル.docx":   {engine.TypeRegular, nil, 70000, 0o444},
		"📷 2025.jpg":      {engine.TypeRegular, nil, 1 << 33, 0o666},
		"x\xed\xa0\xbd.t": {engine.TypeRegular, nil, 1, 0o666},
		"My Music":        {engine.TypeSymlink, ErrJunction, 0, 0o666},
		"Report.pdf":      {engine.TypeRegular, ErrCloudOnly, 5 << 20, 0o666},
		"Kept.pdf":        {engine.TypeRegular, nil, 5 << 20, 0o666},
		"big.iso":         {engine.TypeRegular, nil, 1 << 30, 0o666},
		"empty.txt":       {engine.TypeRegular, nil, 0, 0o666},
	}
	for _, e := range entries {
		w, ok := want[e.Name]
		if !ok {
			t.Fatalf("unexpected entry %q", e.Name)
		}
		i := e.info(0xABCD1234, true)
		if i.Type != w.typ || !errors.Is(i.NotBackedUp, w.note) || (w.note == nil) != (i.NotBackedUp == nil) ||
			i.Size != w.size || i.Mode != w.mode {
			t.Errorf("%s: type %v note %v size %d mode %o, want %v %v %d %o", e.Name, i.Type, i.NotBackedUp,
				i.Size, i.Mode, w.typ, w.note, w.size, w.mode)
		}
		if i.ModTime != mod || i.CTime != chg || i.Dev != 0xABCD1234 || i.Inode != e.IDLow || i.Nlink != 1 {
			t.Errorf("%s: mtime %d ctime %d dev %#x inode %#x nlink %d", e.Name, i.ModTime, i.CTime, i.Dev, i.Inode, i.Nlink)
		}
		// Without IDs to trust (FAT, exFAT, some shares), inode and change
		// time are not known, and the rest is the same.
		u := e.info(0xABCD1234, false)
		if u.Inode != 0 || u.CTime != 0 || u.Type != i.Type || u.Size != i.Size || u.ModTime != i.ModTime {
			t.Errorf("%s untrusted: %+v", e.Name, u)
		}
	}
}

// The listing and the handle describe a file alike: an unchanged file
// compares equal however it was described (index.Stat.Same).
func TestWinDirEntryAgreesWithHandle(t *testing.T) {
	chg := ft(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	for _, id := range [][2]uint64{{0x0004000000000d2e, 0}, {0x1234, 0x77}} {
		e := winDirEntry{Name: "a", Attrs: attrArchive, ChangeTime: chg, IDLow: id[0], IDHigh: id[1]}
		listed := e.info(0x1111, true)
		var handle Info
		winIDs{volume: 0x1111, idLow: id[0], idHigh: id[1], changeTime: chg, links: 1}.fill(&handle)
		if listed.Inode != handle.Inode || listed.CTime != handle.CTime || listed.Dev != handle.Dev {
			t.Errorf("ID %#x: listed %#x %d %#x, handle %#x %d %#x", id, listed.Inode, listed.CTime, listed.Dev,
				handle.Inode, handle.CTime, handle.Dev)
		}
	}
}

// FILE_ID_EXTD_DIR_INFO: the 128-bit ID, and the tag in ReparsePointTag
// (EaSize, which holds something else, is not read).
func TestAppendWinDirExtd(t *testing.T) {
	recs := []testDirRecord{
		{name: utf16Of("."), attrs: winAttrDirectory},
		{name: utf16Of("link"), attrs: winAttrReparsePoint, tag: winTagSymlink, idLow: 0xAAAA, idHigh: 0xBBBB},
		{name: utf16Of("plain"), attrs: attrArchive, tag: 0xDEAD, size: 3, idLow: 0xCCCC, idHigh: 0xDDDD},
	}
	got, err := appendWinDir(nil, winDirBuffer(t, 19, recs), winDirExtd)
	if err != nil {
		t.Fatal(err)
	}
	want := []winDirEntry{
		{Name: "link", Attrs: winAttrReparsePoint, Tag: winTagSymlink, IDLow: 0xAAAA, IDHigh: 0xBBBB},
		{Name: "plain", Attrs: attrArchive, EndOfFile: 3, IDLow: 0xCCCC, IDHigh: 0xDDDD}, // not a reparse point: no tag
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	if i := got[0].info(1, true); i.Type != engine.TypeSymlink || i.NotBackedUp != nil || i.Inode != winFileID(0xAAAA, 0xBBBB) {
		t.Errorf("symlink: %+v", i)
	}
}

// FILE_FULL_DIR_INFO, which every file system answers, has no file ID.
func TestAppendWinDirFull(t *testing.T) {
	recs := []testDirRecord{
		{name: utf16Of("alias.exe"), attrs: attrArchive | winAttrReparsePoint, tag: winTagAppExecLink},
		{name: utf16Of("a.txt"), attrs: attrArchive, size: 10},
	}
	got, err := appendWinDir(nil, winDirBuffer(t, 14, recs), winDirFull)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Tag != winTagAppExecLink || got[1].Name != "a.txt" || got[1].EndOfFile != 10 || got[1].IDLow != 0 {
		t.Fatalf("got %+v", got)
	}
	if i := got[0].info(1, true); !errors.Is(i.NotBackedUp, ErrAppAlias) || i.Inode != 0 {
		t.Errorf("alias: %+v", i)
	}
}

// Calls append to what the earlier ones gave; a record without a name
// (none should come) is skipped, the others kept.
func TestAppendWinDirAppendsAndSkipsEmptyName(t *testing.T) {
	first, err := appendWinDir(nil, winDirBuffer(t, 10, []testDirRecord{{name: utf16Of("a")}}), winDirIDBoth)
	if err != nil {
		t.Fatal(err)
	}
	all, err := appendWinDir(first, winDirBuffer(t, 10, []testDirRecord{{name: utf16Of("b")}, {name: nil}}), winDirIDBoth)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Name != "a" || all[1].Name != "b" {
		t.Fatalf("got %+v", all)
	}
}

// A buffer that does not hold well-formed records is an error (the next
// class is tried), never a panic or a name read past the end.
func TestAppendWinDirMalformed(t *testing.T) {
	good := winDirBuffer(t, 10, []testDirRecord{{name: utf16Of("first.txt")}, {name: utf16Of("second.txt")}})
	le := binary.LittleEndian
	edit := func(f func(b []byte) []byte) []byte { return f(slices.Clone(good)) }
	tests := map[string][]byte{
		"empty":                    nil,
		"shorter than a record":    good[:50],
		"last name cut":            good[:len(good)-2],
		"odd name length":          edit(func(b []byte) []byte { le.PutUint32(b[60:], 7); return b }),
		"name past the end":        edit(func(b []byte) []byte { le.PutUint32(b[60:], 1<<30); return b }),
		"next inside this record":  edit(func(b []byte) []byte { le.PutUint32(b[0:], 8); return b }),
		"next past the end":        edit(func(b []byte) []byte { le.PutUint32(b[0:], uint32(len(b)+8)); return b }),
		"next exactly at the end":  edit(func(b []byte) []byte { le.PutUint32(b[0:], uint32(len(b))); return b }),
		"next beyond 32-bit range": edit(func(b []byte) []byte { le.PutUint32(b[0:], ^uint32(0)); return b }),
	}
	for name, buf := range tests {
		if got, err := appendWinDir(nil, buf, winDirIDBoth); !errors.Is(err, errWinDirRecord) {
			t.Errorf("%s: %+v, %v; want errWinDirRecord", name, got, err)
		}
	}
}

func FuzzAppendWinDir(f *testing.F) {
	f.Add(winDirBuffer(f, 10, profileRecords()), uint8(0))
	f.Add(winDirBuffer(f, 19, profileRecords()), uint8(1))
	f.Add(winDirBuffer(f, 14, profileRecords()), uint8(2))
	f.Fuzz(func(t *testing.T, buf []byte, class uint8) {
		c := []winDirClass{winDirIDBoth, winDirExtd, winDirFull}[int(class)%3]
		entries, err := appendWinDir(nil, buf, c)
		if err != nil && !errors.Is(err, errWinDirRecord) {
			t.Fatalf("error %v", err)
		}
		for _, e := range entries {
			if e.Name == "" || e.Name == "." || e.Name == ".." {
				t.Fatalf("entry %+v", e)
			}
		}
	})
}

func TestWtf16ToString(t *testing.T) {
	tests := []struct {
		in   []uint16
		want string
	}{
		{utf16Of("plain.txt"), "plain.txt"},
		{utf16Of("Ünïcödé ßtraße"), "Ünïcödé ßtraße"},
		{utf16Of("🦀.rs"), "🦀.rs"},                              // a surrogate pair
		{[]uint16{0xD800}, "\xed\xa0\x80"},                     // a lone high surrogate
		{[]uint16{'a', 0xDC00, 'b'}, "a\xed\xb0\x80b"},         // a lone low surrogate
		{[]uint16{0xDC00, 0xD800}, "\xed\xb0\x80\xed\xa0\x80"}, // a pair the wrong way round
		{[]uint16{0xD83D, 0xD83D, 0xDE00}, "\xed\xa0\xbd😀"},    // a lone one, then a pair
	}
	for _, tt := range tests {
		if got := wtf16ToString(tt.in); got != tt.want {
			t.Errorf("%#x: %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Permission bits as Go's os package reports them on Windows
// (os.fileStat.Mode), so a listed entry compares with one described by
// os.Lstat or File.Stat.
func TestWinPerm(t *testing.T) {
	tests := []struct {
		name       string
		attrs, tag uint32
		want       uint32
	}{
		{"file", attrArchive, 0, 0o666},
		{"read-only file", attrArchive | winAttrReadOnly, 0, 0o444},
		{"folder", winAttrDirectory, 0, 0o777},
		{"read-only folder", winAttrDirectory | winAttrReadOnly, 0, 0o555},
		{"junction", winAttrDirectory | winAttrReparsePoint, winTagMountPoint, 0o666},
		{"folder symlink", winAttrDirectory | winAttrReparsePoint, winTagSymlink, 0o666},
		{"OneDrive folder (not a link)", winAttrDirectory | winAttrReparsePoint, tagCloud, 0o777},
		{"file symlink, read-only", winAttrReparsePoint | winAttrReadOnly, winTagSymlink, 0o444},
	}
	for _, tt := range tests {
		if got := winPerm(tt.attrs, tt.tag); got != tt.want {
			t.Errorf("%s: %o, want %o", tt.name, got, tt.want)
		}
	}
}

// A modification time converts as Go's syscall.Filetime.Nanoseconds does.
func TestWinModTimeNs(t *testing.T) {
	when := time.Date(2024, 2, 29, 23, 59, 59, 999999900, time.UTC)
	if got := winModTimeNs(ft(when)); got != when.UnixNano() {
		t.Errorf("%d, want %d", got, when.UnixNano())
	}
}

func TestWinDirClasses(t *testing.T) {
	infos := func(cs []winDirClass) []uint32 {
		var out []uint32
		for _, c := range cs {
			out = append(out, c.info)
		}
		return out
	}
	tests := []struct {
		start winDirClass
		want  []uint32
	}{
		{winDirClass{}, []uint32{19, 10, 14}},
		{winDirExtd, []uint32{19, 10, 14}},
		{winDirIDBoth, []uint32{10, 19, 14}},
		{winDirFull, []uint32{14, 19, 10}},
	}
	for _, tt := range tests {
		if got := infos(winDirClasses(tt.start)); !slices.Equal(got, tt.want) {
			t.Errorf("from %d: %v, want %v", tt.start.info, got, tt.want)
		}
	}
	for _, c := range []winDirClass{winDirExtd, winDirIDBoth, winDirFull} {
		if c.restart != c.info+1 {
			t.Errorf("class %d: restart %d", c.info, c.restart)
		}
	}
}

func TestWinDirClassUnsupported(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{syscall.Errno(87), true},  // ERROR_INVALID_PARAMETER: STATUS_INVALID_INFO_CLASS
		{syscall.Errno(124), true}, // ERROR_INVALID_LEVEL
		{syscall.Errno(50), true},  // ERROR_NOT_SUPPORTED
		{syscall.Errno(1), true},   // ERROR_INVALID_FUNCTION
		{errWinDirRecord, true},
		{syscall.Errno(5), false},  // ERROR_ACCESS_DENIED: the folder cannot be read
		{syscall.Errno(21), false}, // ERROR_NOT_READY: a drive gone
		{errors.New("other"), false},
	}
	for _, tt := range tests {
		if got := winDirClassUnsupported(tt.err); got != tt.want {
			t.Errorf("%v: %v, want %v", tt.err, got, tt.want)
		}
	}
}

// After Names, Lstat describes each entry from the listing once, sorted
// names as on Unix; a second Lstat, or a name not listed, goes to the disk.
func TestWinListing(t *testing.T) {
	entries, err := appendWinDir(nil, winDirBuffer(t, 10, profileRecords()), winDirIDBoth)
	if err != nil {
		t.Fatal(err)
	}
	l := newWinListing(entries, 42, true)
	names := l.names()
	if !slices.IsSorted(names) || len(names) != 10 {
		t.Fatalf("names %q", names)
	}
	i, ok := l.lstat("empty.txt")
	if !ok || i.Type != engine.TypeRegular || i.Inode != 0x10A || i.Dev != 42 {
		t.Fatalf("empty.txt: %+v %v", i, ok)
	}
	if _, ok := l.lstat("empty.txt"); ok {
		t.Error("described twice from the listing")
	}
	if _, ok := l.lstat("not there"); ok {
		t.Error("a name not listed described")
	}
	if _, ok := l.lstat("My Music"); !ok {
		t.Error("My Music not described")
	}
}

func TestWinListAs(t *testing.T) {
	tests := []struct {
		name       string
		attrs, tag uint32
		want       winListHow
	}{
		{"plain folder", winAttrDirectory, 0, winListThis},
		{"plain folder, tag field junk", winAttrDirectory, winTagMountPoint, winListThis},
		{"OneDrive folder", winAttrDirectory | winAttrReparsePoint, tagCloud, winListFollowed},
		{"now a junction", winAttrDirectory | winAttrReparsePoint, winTagMountPoint, winListRefused},
		{"now a folder symlink", winAttrDirectory | winAttrReparsePoint, winTagSymlink, winListRefused},
		{"now a file", attrArchive, 0, winListRefused},
	}
	for _, tt := range tests {
		if got := winListAs(tt.attrs, tt.tag); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}
