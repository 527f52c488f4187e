package main

import (
	"flag"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/server/webarchive"
)

// webArchiveFlags are serve's caps on the archives opened on the web
// pages (docs/SERVER.md, "Limits of restoring from a browser").
type webArchiveFlags struct {
	perUser   *int
	memory    sizeFlag
	kdfMemory sizeFlag
	kdfPasses *int
}

func addWebArchiveFlags(fs *flag.FlagSet) *webArchiveFlags {
	d := webarchive.DefaultKeyLimits.KDF
	f := &webArchiveFlags{memory: sizeFlag{v: webarchive.DefaultMemory}, kdfMemory: sizeFlag{v: int64(d.Memory) << 10}}
	f.perUser = fs.Int("web-archives-per-user", webarchive.DefaultPerUser, "archives one person may have open on the web pages at once")
	fs.Var(&f.memory, "web-archive-memory", "the memory all archives open on the web pages may keep together")
	fs.Var(&f.kdfMemory, "web-kdf-memory", "the most memory a key file may ask the server's key derivation for")
	f.kdfPasses = fs.Int("web-kdf-passes", int(d.Time), "the most passes a key file may ask the server's key derivation for")
	return f
}

// options checks the flags and gives the caps. A cap below what Cairn
// writes would refuse every archive: refused here, in words.
func (f *webArchiveFlags) options() (webarchive.PoolOptions, error) {
	o := webarchive.PoolOptions{Keys: webarchive.DefaultKeyLimits, PerUser: *f.perUser, Memory: f.memory.v}
	own := crypt.DefaultKDF
	switch {
	case *f.perUser < 1:
		return o, usageErr("--web-archives-per-user must be 1 or more")
	case f.memory.v < 1<<20:
		return o, usageErr("--web-archive-memory must be 1 MiB or more (an archive of 100,000 versions keeps about 26 MiB)")
	case f.kdfMemory.v < int64(own.Memory)<<10 || f.kdfMemory.v > 4<<30:
		return o, usageErr("--web-kdf-memory must be between %s (what Cairn writes) and 4 GiB", crypt.MiB(own.Memory))
	case *f.kdfPasses < int(own.Time) || *f.kdfPasses > 100:
		return o, usageErr("--web-kdf-passes must be between %d (what Cairn writes) and 100", own.Time)
	}
	o.Keys.KDF.Memory = uint32(f.kdfMemory.v >> 10)
	o.Keys.KDF.Time = uint32(*f.kdfPasses)
	return o, nil
}
