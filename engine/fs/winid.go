package fs

// winIDs is what Windows says of a file through a handle that change
// detection compares besides size and modification time: the volume and
// the file's index on it (an inode: a file replaced by another under the
// same name gets another), and the change time (any change to the file's
// data or attributes, which a program cannot set back as it can the
// modification time). Zero where the file system has none (FAT has no
// change time); the index compares zeros as unknown (index.Stat.Same).
type winIDs struct {
	volume              uint32
	indexHigh, indexLow uint32 // BY_HANDLE_FILE_INFORMATION's nFileIndexHigh/Low
	changeTime          int64  // FILE_BASIC_INFO's ChangeTime: 100 ns since 1601 (UTC)
	links               uint32 // hard links to the file
}

// winEpochDelta is 1601-01-01 to 1970-01-01 in 100 ns intervals.
const winEpochDelta = 116444736000000000

// fill puts the IDs into i: Inode from the file index, Dev from the volume,
// CTime in Unix ns. Nlink stays 1: hard links are not recreated on
// Windows yet.
func (w winIDs) fill(i *Info) {
	i.Inode = uint64(w.indexHigh)<<32 | uint64(w.indexLow)
	i.Dev = uint64(w.volume)
	i.CTime = winTimeNs(w.changeTime)
}

// winTimeNs turns a Windows time (100 ns since 1601) into Unix ns; 0 (not
// known) stays 0.
func winTimeNs(t int64) int64 {
	if t == 0 {
		return 0
	}
	return (t - winEpochDelta) * 100
}
