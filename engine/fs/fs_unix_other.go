//go:build unix && !linux

package fs

const noatime = 0
