/*
 * SPDX-FileCopyrightText: © 2017-2025 Istari Digital, Inc.
 * SPDX-License-Identifier: Apache-2.0
 */

package table

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncData (Cairn) puts a table just written on disk: its data and the size
// needed to read it back (fdatasync), as msync of its mapping did.
func syncData(f *os.File) error { return unix.Fdatasync(int(f.Fd())) }
