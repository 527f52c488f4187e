package fs

import (
	"encoding/binary"
	"testing"
	"time"
	"unicode/utf16"
)

// testDirRecord is one directory record to write into a listing buffer.
type testDirRecord struct {
	name          []uint16 // UTF-16, as Windows stores it
	attrs         uint32
	tag           uint32 // written where the class keeps the reparse tag
	change, write int64
	size, alloc   int64
	idLow, idHigh uint64
}

func utf16Of(s string) []uint16 { return utf16.Encode([]rune(s)) }

// winDirBuffer writes records of the class with FILE_INFORMATION_CLASS
// value class the way Windows does, field by field at the offsets its
// headers give (written out here, not taken from winDirClass, so that the
// test checks those): each record 8-byte aligned, NextEntryOffset chaining
// them, the last with 0 and the buffer ending right after its name. Fields
// Cairn does not read (FileIndex, CreationTime, LastAccessTime, the short
// name, Extd's EaSize) hold values that would show if they were read.
func winDirBuffer(t testing.TB, class uint32, recs []testDirRecord) []byte {
	t.Helper()
	le := binary.LittleEndian
	var buf []byte
	for n, r := range recs {
		var rec []byte
		switch class {
		case 10: // FILE_ID_BOTH_DIR_INFO
			rec = make([]byte, 104+2*len(r.name))
			le.PutUint32(rec[64:], r.tag) // EaSize holds a reparse point's tag
			rec[68] = 8                   // ShortNameLength
			for i, c := range utf16Of("SHORT~1X") {
				le.PutUint16(rec[70+2*i:], c)
			}
			le.PutUint64(rec[96:], r.idLow)
		case 19: // FILE_ID_EXTD_DIR_INFO
			rec = make([]byte, 88+2*len(r.name))
			le.PutUint32(rec[64:], 0x5A5A) // EaSize: not the tag here
			le.PutUint32(rec[68:], r.tag)  // ReparsePointTag
			le.PutUint64(rec[72:], r.idLow)
			le.PutUint64(rec[80:], r.idHigh)
		case 14: // FILE_FULL_DIR_INFO
			rec = make([]byte, 68+2*len(r.name))
			le.PutUint32(rec[64:], r.tag)
		default:
			t.Fatalf("class %d", class)
		}
		le.PutUint32(rec[4:], 0xF11E) // FileIndex
		le.PutUint64(rec[8:], 1)      // CreationTime
		le.PutUint64(rec[16:], 2)     // LastAccessTime
		le.PutUint64(rec[24:], uint64(r.write))
		le.PutUint64(rec[32:], uint64(r.change))
		le.PutUint64(rec[40:], uint64(r.size))
		le.PutUint64(rec[48:], uint64(r.alloc))
		le.PutUint32(rec[56:], r.attrs)
		le.PutUint32(rec[60:], uint32(2*len(r.name)))
		nameAt := len(rec) - 2*len(r.name)
		for i, c := range r.name {
			le.PutUint16(rec[nameAt+2*i:], c)
		}
		if n < len(recs)-1 {
			for len(rec)%8 != 0 {
				rec = append(rec, 0xEE) // padding: never read as a name
			}
			le.PutUint32(rec[0:], uint32(len(rec)))
		}
		buf = append(buf, rec...)
	}
	return buf
}

// ft is a Windows FILETIME for t.
func ft(t time.Time) int64 { return t.UnixNano()/100 + winEpochDelta }

const (
	attrArchive   = 0x20
	attrNormal    = 0x80
	attrPinned    = 0x80000 // FILE_ATTRIBUTE_PINNED: kept on the disk by OneDrive
	tagCloud      = 0x9000601A
	tagDedup      = 0x80000013
	loneSurrogate = 0xD83D // the first half of an emoji, alone
)

// A user's profile folder as NTFS lists it: the dot entries, a folder, odd
// names (accents, Japanese, an emoji, a lone surrogate NTFS allows), a
// junction, an OneDrive placeholder and a file kept on the disk, a
// deduplicated file, and a last, empty file.
func profileRecords() []testDirRecord {
	mod := ft(time.Date(2025, 3, 4, 5, 6, 7, 800, time.UTC))
	chg := ft(time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC))
	return []testDirRecord{
		{name: utf16Of("."), attrs: winAttrDirectory, idLow: 5},
		{name: utf16Of(".."), attrs: winAttrDirectory, idLow: 6},
		{name: utf16Of("Documents"), attrs: winAttrDirectory, write: mod, change: chg, size: 4096, idLow: 0x0001000000000101},
		{name: utf16Of("naïve café.txt"), attrs: attrArchive, write: mod, change: chg, size: 1234, alloc: 4096, idLow: 0x0002000000000102},
		{name: utf16Of("日本語 ファイル.docx"), attrs: attrArchive | winAttrReadOnly, write: mod, change: chg, size: 70000, alloc: 73728, idLow: 0x103},
		{name: utf16Of("📷 2025.jpg"), attrs: attrNormal, write: mod, change: chg, size: 1 << 33, alloc: 1 << 33, idLow: 0x104},
		{name: []uint16{'x', loneSurrogate, '.', 't'}, attrs: attrArchive, write: mod, change: chg, size: 1, idLow: 0x105},
		{name: utf16Of("My Music"), attrs: winAttrDirectory | winAttrReparsePoint | 0x2 | 0x4, tag: winTagMountPoint, write: mod, change: chg, idLow: 0x106},
		{name: utf16Of("Report.pdf"), attrs: attrArchive | winAttrReparsePoint | winAttrRecallOnDataAccess | winAttrOffline, tag: tagCloud, write: mod, change: chg, size: 5 << 20, idLow: 0x107},
		{name: utf16Of("Kept.pdf"), attrs: attrArchive | winAttrReparsePoint | attrPinned, tag: tagCloud, write: mod, change: chg, size: 5 << 20, alloc: 5 << 20, idLow: 0x108},
		{name: utf16Of("big.iso"), attrs: attrArchive | winAttrReparsePoint, tag: tagDedup, write: mod, change: chg, size: 1 << 30, alloc: 1 << 20, idLow: 0x109},
		{name: utf16Of("empty.txt"), attrs: attrArchive, write: mod, change: chg, idLow: 0x10A},
	}
}
