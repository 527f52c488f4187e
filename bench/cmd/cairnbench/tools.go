//go:build unix

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// password is every repository's password: the bench measures speed, not secrecy.
const password = "cairn-bench-password"

// allTools is the default -tools list and the table's column order: Cairn first, then its peers.
var allTools = []string{"cairn", "restic-0.14", "restic-0.19.1", "kopia", "borg"}

func isKnownTool(name string) bool {
	for _, t := range allTools {
		if t == name {
			return true
		}
	}
	return false
}

// command is one program invocation: args[0] is the binary.
type command struct {
	args []string
	dir  string // working folder; "" for the harness's own
}

func (c command) String() string { return strings.Join(c.args, " ") }

// driver knows one program's command line. Every method is pure: it builds commands, it runs nothing.
type driver interface {
	// env returns the program's own variables (password, base folders), added to the common ones.
	env(t *tool) []string
	// setup returns the untimed commands that create an empty encrypted repository at t.repo().
	setup(t *tool) []command
	// backup returns the command that backs up t.corpus; seq numbers the backups of this state folder.
	backup(t *tool, seq int) command
	// restore returns the command that restores the latest backup into the empty folder target.
	restore(t *tool, target string) command
	// restored says where the corpus ends up inside target.
	restored(t *tool, target string) string
	// restoreOne returns the command that restores the file at rel (relative to t.corpus, with slashes) of the
	// latest backup into the empty folder target; restoredOne says where that file ends up.
	restoreOne(t *tool, target, rel string) command
	restoredOne(t *tool, target, rel string) string
	// version returns commands that may print the program's version on their first line, tried in order.
	version(t *tool) []command
}

// tool is one program under test and the folder that holds all of its state.
type tool struct {
	name   string
	bin    string // "" when the program is missing
	state  string // repository, home, caches, temporary files: everything but restores
	corpus string // the folder backed up
	drv    driver
	seq    int // backups made so far in the current state; the next archive's number for borg
}

func (t *tool) repo() string { return filepath.Join(t.state, "repo") }
func (t *tool) home() string { return filepath.Join(t.state, "home") }

// env is the whole environment of every command of t: the harness's own, less anything that could point a
// program at shared state or change its defaults, plus a private HOME, XDG folders and TMPDIR inside t.state.
func (t *tool) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !inheritable(kv) {
			continue
		}
		env = append(env, kv)
	}
	h := t.home()
	env = append(env,
		"HOME="+h,
		"XDG_CACHE_HOME="+filepath.Join(h, ".cache"),
		"XDG_CONFIG_HOME="+filepath.Join(h, ".config"),
		"XDG_DATA_HOME="+filepath.Join(h, ".local", "share"),
		"XDG_STATE_HOME="+filepath.Join(h, ".local", "state"),
		"TMPDIR="+filepath.Join(t.state, "tmp"),
		"LANG=C.UTF-8",
	)
	return append(env, t.drv.env(t)...)
}

// inheritable drops variables that would leak state between tools or change a program's defaults.
func inheritable(kv string) bool {
	name, _, _ := strings.Cut(kv, "=")
	for _, p := range []string{"RESTIC_", "BORG_", "KOPIA_", "CAIRN_", "XDG_", "LC_"} {
		if strings.HasPrefix(name, p) {
			return false
		}
	}
	switch name {
	case "HOME", "TMPDIR", "LANG", "LANGUAGE", "GOGC", "GOMAXPROCS", "GOMEMLIMIT", "GODEBUG":
		return false
	}
	return true
}

// newTool finds the binary of the named tool; bin is empty when it is missing.
func newTool(name string, cfg config, corpus string) *tool {
	t := &tool{name: name, state: filepath.Join(cfg.work, name), corpus: corpus}
	local := filepath.Join(cfg.root, ".bench", "bin")
	switch name {
	case "cairn":
		t.drv = cairnDriver{}
		t.bin = firstExecutable(cfg.cairn)
	case "restic-0.14":
		t.drv = resticDriver{}
		t.bin = firstExecutable("/usr/bin/restic")
	case "restic-0.19.1":
		t.drv = resticDriver{}
		t.bin = firstExecutable(filepath.Join(local, "restic-0.19.1"))
	case "kopia":
		t.drv = kopiaDriver{}
		t.bin = firstExecutable(filepath.Join(local, "kopia"), lookPath("kopia"))
	case "borg":
		t.drv = borgDriver{}
		t.bin = firstExecutable("/usr/bin/borg", lookPath("borg"))
	}
	return t
}

func firstExecutable(paths ...string) string {
	for _, p := range paths {
		if p != "" && isExecutable(p) {
			return p
		}
	}
	return ""
}

func lookPath(name string) string {
	p, err := exec.LookPath(name)
	if err != nil {
		return ""
	}
	return p
}

// resticDriver drives both restic versions: same command line, default repository format of each version.
type resticDriver struct{}

func (resticDriver) env(*tool) []string { return []string{"RESTIC_PASSWORD=" + password} }

func (resticDriver) setup(t *tool) []command {
	return []command{{args: []string{t.bin, "-r", t.repo(), "init"}}}
}

func (resticDriver) backup(t *tool, _ int) command {
	return command{args: []string{t.bin, "-r", t.repo(), "backup", t.corpus}}
}

func (resticDriver) restore(t *tool, target string) command {
	return command{args: []string{t.bin, "-r", t.repo(), "restore", "latest", "--target", target}}
}

// restored: restic recreates the absolute path under the target.
func (resticDriver) restored(t *tool, target string) string { return filepath.Join(target, t.corpus) }

func (resticDriver) version(t *tool) []command { return []command{{args: []string{t.bin, "version"}}} }

// kopiaDriver keeps kopia's config, cache and logs in the state folder. The update check (a request to GitHub
// every 7 days) is turned off: it has nothing to do with backing up and there is no internet here.
type kopiaDriver struct{}

func (kopiaDriver) config(t *tool) string { return filepath.Join(t.state, "kopia.config") }

func (kopiaDriver) env(*tool) []string {
	return []string{"KOPIA_PASSWORD=" + password, "KOPIA_CHECK_FOR_UPDATES=false"}
}

func (d kopiaDriver) setup(t *tool) []command {
	return []command{{args: []string{t.bin, "--config-file", d.config(t), "repository", "create", "filesystem",
		"--path", t.repo(), "--cache-directory", filepath.Join(t.state, "cache")}}}
}

func (d kopiaDriver) backup(t *tool, _ int) command {
	return command{args: []string{t.bin, "--config-file", d.config(t), "snapshot", "create", t.corpus}}
}

// restore names the source by its path: kopia takes that path's latest snapshot.
func (d kopiaDriver) restore(t *tool, target string) command {
	return command{args: []string{t.bin, "--config-file", d.config(t), "snapshot", "restore", t.corpus, target}}
}

// restored: kopia writes the snapshot's root folder's contents into the target itself.
func (kopiaDriver) restored(_ *tool, target string) string { return target }

func (kopiaDriver) version(t *tool) []command { return []command{{args: []string{t.bin, "--version"}}} }

// borgDriver uses repokey-blake2 (borg's recommended encryption on 64-bit machines) and borg's default lz4.
type borgDriver struct{}

func (borgDriver) env(t *tool) []string {
	return []string{
		"BORG_PASSPHRASE=" + password,
		"BORG_BASE_DIR=" + t.home(),
		"BORG_RELOCATED_REPO_ACCESS_IS_OK=yes",
		"BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=no",
		"BORG_DISPLAY_PASSPHRASE=no",
	}
}

func (borgDriver) setup(t *tool) []command {
	return []command{{args: []string{t.bin, "init", "--encryption=repokey-blake2", t.repo()}}}
}

func (borgDriver) archive(seq int) string { return fmt.Sprintf("run-%d", seq) }

func (d borgDriver) backup(t *tool, seq int) command {
	return command{args: []string{t.bin, "create", t.repo() + "::" + d.archive(seq), t.corpus}}
}

// restore extracts the newest archive (t.seq names it) in the target: borg recreates the path below /.
func (d borgDriver) restore(t *tool, target string) command {
	return command{args: []string{t.bin, "extract", t.repo() + "::" + d.archive(t.seq)}, dir: target}
}

func (borgDriver) restored(t *tool, target string) string { return filepath.Join(target, t.corpus) }

func (borgDriver) version(t *tool) []command { return []command{{args: []string{t.bin, "--version"}}} }

// cairnDriver follows Cairn's command-line contract: a destination is added once (that creates the archive), the
// corpus is selected, `cairn backup` exits 0 when everything is safe, and `restore --to T PATH` puts PATH's last
// element inside T.
type cairnDriver struct{}

func (cairnDriver) env(t *tool) []string {
	return []string{"CAIRN_HOME=" + t.home(), "CAIRN_PASSWORD=" + password}
}

func (cairnDriver) setup(t *tool) []command {
	return []command{
		{args: []string{t.bin, "dest", "add", "bench", t.repo()}},
		{args: []string{t.bin, "files", "add", t.corpus}},
	}
}

func (cairnDriver) backup(t *tool, _ int) command { return command{args: []string{t.bin, "backup"}} }

func (cairnDriver) restore(t *tool, target string) command {
	return command{args: []string{t.bin, "restore", "--to", target, t.corpus}}
}

func (cairnDriver) restored(t *tool, target string) string {
	return filepath.Join(target, filepath.Base(t.corpus))
}

func (cairnDriver) version(t *tool) []command {
	return []command{{args: []string{t.bin, "--version"}}, {args: []string{t.bin, "version"}}}
}
