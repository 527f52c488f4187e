// Package engine holds the vocabulary shared by Cairn's backup engine: chunk IDs,
// version records, file types, sentinel errors and progress hooks.
//
// It imports only the standard library. The sub-packages do the work:
// chunk (content-defined chunking), crypt (keys and sealing), compress, pack
// (the pack file format), index (the local index), store (destinations),
// repo (the archive), scan (walking the selection), backup, restore,
// retention and device (the API the app and the command line use).
package engine
