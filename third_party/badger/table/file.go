/*
 * SPDX-FileCopyrightText: © 2017-2025 Istari Digital, Inc.
 * SPDX-License-Identifier: Apache-2.0
 */

package table

// Cairn: table files are written with write(2) and read with pread(2), not
// mapped. Badger maps each table and writes new tables through the mapping,
// and Linux counts every page of a mapping the process touched in its
// resident size: pages of the page cache, clean and shared, that made the
// process of a first backup of a million files look 50-70 MiB bigger than
// one of 30,000. Read with pread, those pages stay in the page cache,
// outside the process; the process holds a table's index (its bloom filter
// and the first key of each block: about 10 KiB for Cairn's 1 MiB tables of
// 16 KiB blocks) and the blocks it is reading. A table in memory (Data set,
// no file) is read from Data, as before.

import (
	"bufio"
	"io"
	"os"
	"sync"

	"github.com/dgraph-io/badger/v4/y"
)

// blockBufs holds buffers for blocks read from table files. A block takes
// one when it is read and gives it back when its last reference goes
// (Block.decrRef): a compaction reads every block of its input tables, and
// a fresh buffer each time was garbage for the collector.
var blockBufs sync.Pool // of *[]byte

func getBlockBuf(n int) *[]byte {
	if p, _ := blockBufs.Get().(*[]byte); p != nil && cap(*p) >= n {
		*p = (*p)[:n]
		return p
	}
	// Blocks are about Options.BlockSize and a little over it: a buffer a
	// few KiB bigger fits the next one too.
	b := make([]byte, n, (n+8<<10)&^(4<<10-1))
	return &b
}

func putBlockBuf(p *[]byte) {
	if cap(*p) <= 128<<10 { // a block of one large entry is not kept
		blockBufs.Put(p)
	}
}

// readFile reads sz bytes at off of the table's file into a new slice.
func (t *Table) readFile(off, sz int) ([]byte, error) {
	b := make([]byte, sz)
	if _, err := t.Fd.ReadAt(b, int64(off)); err != nil {
		return nil, err
	}
	return b, nil
}

// readBlock reads a block's bytes: a slice of the table's data for a table
// in memory, else a buffer from blockBufs, returned as buf.
func (t *Table) readBlock(off, sz int) (data []byte, buf *[]byte, err error) {
	if t.Data != nil {
		data, err = t.Bytes(off, sz)
		return data, nil, err
	}
	buf = getBlockBuf(sz)
	if _, err := t.Fd.ReadAt(*buf, int64(off)); err != nil {
		putBlockBuf(buf)
		return nil, nil, err
	}
	return *buf, buf, nil
}

// releaseBuf gives a block's read buffer back once its data no longer
// points into it (decrypted or decompressed into another buffer, or the
// block's last reference gone).
func (b *Block) releaseBuf() {
	if b.buf != nil {
		putBlockBuf(b.buf)
		b.buf = nil
	}
}

// writeBufs are the buffers a table is written through: a table of 1 MiB
// goes to its file in a few writes instead of one per block. A few are
// kept (not a sync.Pool, which the collector empties at every cycle).
var writeBufs = make(chan *bufio.Writer, 4)

// writeTo writes the table to w, in the layout Copy gives.
func (bd *buildData) writeTo(w io.Writer) error {
	var bw *bufio.Writer
	select {
	case bw = <-writeBufs:
		bw.Reset(w)
	default:
		bw = bufio.NewWriterSize(w, 128<<10)
	}
	defer func() {
		bw.Reset(nil)
		select {
		case writeBufs <- bw:
		default:
		}
	}()
	for _, bl := range bd.blockList {
		if _, err := bw.Write(bl.data[:bl.end]); err != nil {
			return err
		}
	}
	for _, b := range [][]byte{bd.index, y.U32ToBytes(uint32(len(bd.index))),
		bd.checksum, y.U32ToBytes(uint32(len(bd.checksum)))} {
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// writeTableFile creates fname (it must not exist), writes the table and
// syncs it to disk before it is read or named in the manifest, as Badger's
// msync did. On failure the file is removed.
func writeTableFile(fname string, bd *buildData) (f *os.File, err error) {
	f, err = os.OpenFile(fname, os.O_CREATE|os.O_RDWR|os.O_EXCL, 0o666)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(fname)
		}
	}()
	if err = bd.writeTo(f); err != nil {
		return nil, err
	}
	if err = syncData(f); err != nil {
		return nil, err
	}
	return f, nil
}

// closeFile closes (and, if remove, deletes) a table's file. A table in
// memory has no file.
func (t *Table) closeFile(maxSz int64, remove bool) error {
	f := t.Fd
	if f == nil {
		return nil
	}
	if remove {
		maxSz = 0
	}
	if maxSz >= 0 {
		if err := f.Truncate(maxSz); err != nil {
			f.Close()
			return y.Wrapf(err, "while truncating table %s", f.Name())
		}
	}
	if err := f.Close(); err != nil {
		return y.Wrapf(err, "while closing table %s", f.Name())
	}
	if remove {
		return os.Remove(f.Name())
	}
	return nil
}
