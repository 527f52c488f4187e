package fs

// winIDs is what Windows says of a file through a handle that change
// detection compares besides size and modification time: the volume and
// the file's ID on it (an inode: a file replaced by another under the same
// name gets another), and the change time (any change to the file's data
// or attributes, which a program cannot set back as it can the
// modification time); and its number of hard links. Zero where the file
// system has none (FAT has no change time); the index compares zeros as
// unknown (index.Stat.Same).
type winIDs struct {
	volume        uint32 // BY_HANDLE_FILE_INFORMATION's dwVolumeSerialNumber
	idLow, idHigh uint64 // FILE_ID_INFO's 128-bit FileId, or nFileIndexHigh/Low (idHigh 0)
	changeTime    int64  // FILE_BASIC_INFO's ChangeTime: 100 ns since 1601 (UTC)
	links         uint32 // nNumberOfLinks
}

// winEpochDelta is 1601-01-01 to 1970-01-01 in 100 ns intervals.
const winEpochDelta = 116444736000000000

// fill puts the IDs into i: Inode from the file ID (winFileID), Dev from
// the volume, CTime in Unix ns, and Nlink from the link count, so that
// Info.LinkID groups a file's hard links as on Linux. Without a file ID
// Nlink stays 1: links could not be told apart from other files.
//
// A file with several links has no CTime (0, not compared): NTFS updates
// the copy of a file's times and size kept in a folder's entry only for
// the name a change was made through, so the listing (winDirEntry.info)
// of the other names keeps an older change time; adding a link (a pnpm
// store, a build tree) changes it too. Compared, those names would look
// changed, and be read again, at every pass.
func (w winIDs) fill(i *Info) {
	i.Inode = winFileID(w.idLow, w.idHigh)
	i.Dev = uint64(w.volume)
	i.CTime = winTimeNs(w.changeTime)
	i.Nlink = 1
	if w.links > 1 {
		i.CTime = 0
		if i.Inode != 0 {
			i.Nlink = uint64(w.links)
		}
	}
}

// winInvalidFileID is FILE_INVALID_FILE_ID: a 64-bit file ID ReFS gives
// for a file whose 128-bit ID does not fit.
const winInvalidFileID = ^uint64(0)

// winFileID makes the inode Cairn records from a Windows file ID: a 64-bit
// one (NTFS's file reference number, and NTFS's 128-bit IDs, whose high
// half is 0) as it is, so inodes recorded from nFileIndexHigh/Low by older
// Cairns stay the same; a 128-bit ReFS one folded into 64 bits. 0 means
// not known (FILE_INVALID_FILE_ID included). The listing (winDirEntry.info)
// and the handle (winIDs.fill) both go through it, so they agree.
func winFileID(low, high uint64) uint64 {
	if high == 0 {
		if low == winInvalidFileID {
			return 0
		}
		return low
	}
	id := low ^ (high * 0x9E3779B97F4A7C15) ^ (high >> 29)
	if id == 0 {
		id = 1
	}
	return id
}

// winTimeNs turns a Windows time (100 ns since 1601) into Unix ns; 0 (not
// known) stays 0.
func winTimeNs(t int64) int64 {
	if t == 0 {
		return 0
	}
	return (t - winEpochDelta) * 100
}
