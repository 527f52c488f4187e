/*
 * SPDX-FileCopyrightText: © 2017-2025 Istari Digital, Inc.
 * SPDX-License-Identifier: Apache-2.0
 */

package table

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncData (Cairn) puts a table just written on disk with fsync(2), as
// msync of its mapping did. Not os.File.Sync: on macOS that is
// F_FULLFSYNC, which also empties the drive's own cache, tens of
// milliseconds per table.
func syncData(f *os.File) error { return unix.Fsync(int(f.Fd())) }
