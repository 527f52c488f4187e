package fs

// fileAttributeTagInfo is FILE_ATTRIBUTE_TAG_INFO (winbase.h).
type fileAttributeTagInfo struct {
	FileAttributes uint32
	ReparseTag     uint32
}
