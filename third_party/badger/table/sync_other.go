//go:build !linux && !darwin

/*
 * SPDX-FileCopyrightText: © 2017-2025 Istari Digital, Inc.
 * SPDX-License-Identifier: Apache-2.0
 */

package table

import "os"

// syncData (Cairn) puts a table just written on disk (on Windows,
// FlushFileBuffers).
func syncData(f *os.File) error { return f.Sync() }
