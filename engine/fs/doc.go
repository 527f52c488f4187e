// Package fs is Cairn's one place for file-system access and OS differences.
//
// On Unix, folders are walked through open directory handles (openat,
// fstatat, readlinkat with O_NOFOLLOW), which is faster than resolving full
// paths for every file, works for paths longer than PATH_MAX, and never
// follows a symlink that appeared between listing and opening.
package fs
