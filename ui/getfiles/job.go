package getfiles

import (
	"context"
	"errors"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/engine/selection"
	"github.com/cairnbackup/cairn/ui/words"
)

// job is one restore in the list of restores.
type job struct {
	title  string
	to     string // the list's title when it holds this job's place only
	dest   string
	opts   restore.Options // without the hooks, which the queue adds
	folder string          // what "Open folder" opens (OS path)
	ctx    context.Context
	cancel context.CancelFunc
	state  jobState
	card   *jobCard
}

type jobState int

const (
	waiting jobState = iota
	running
	finished
)

// newJob makes a restore of paths as of view with the chosen options.
func (s *Screen) newJob(title string, paths []string, view index.View) *job {
	j := &job{title: title, dest: s.dest, opts: s.panel.options(paths, view), to: s.panel.listTitle()}
	j.folder = j.opts.To
	if j.folder == "" {
		j.folder = osPath(commonDir(paths))
	}
	j.ctx, j.cancel = context.WithCancel(context.Background())
	return j
}

// restoreChecked queues what is checked, and clears the checks.
func (s *Screen) restoreChecked() {
	paths := s.sel.list()
	if len(paths) == 0 {
		return
	}
	title := displayName(paths[0])
	if len(paths) > 1 {
		title = lang.N("{{.Name}} and {{.Count}} more", len(paths)-1, map[string]any{"Name": title, "Count": len(paths) - 1})
	}
	if !s.moment.latest() {
		title = lang.L("{{.What}}, as of {{.Time}}", map[string]any{"What": title, "Time": s.moment.String()})
	}
	j := s.newJob(title, paths, s.view)
	s.sel.clear()
	s.tree.w.Refresh()
	s.search.list.Refresh()
	s.panel.selectionChanged()
	s.queue.add(j) // last: the restore may start now
}

// restoreVersion queues one version of a file (the versions dialog).
func (s *Screen) restoreVersion(v engine.Version) {
	title := lang.L("{{.Name}}, the version of {{.Time}}",
		map[string]any{"Name": displayName(v.Path), "Time": words.Stamp(v.RecordedTime())})
	s.queue.add(s.newJob(title, []string{v.Path}, index.View{At: v.Recorded}))
}

// commonDir is the deepest folder holding every path.
func commonDir(paths []string) string {
	dir := path.Dir(paths[0])
	for _, p := range paths[1:] {
		for dir != "/" && !under(p, dir) {
			dir = path.Dir(dir)
		}
	}
	return dir
}

// osPath turns an archive path into the system's form ("/C:/x" → `C:\x`,
// "/C:" → `C:\` on Windows).
func osPath(p string) string { return selection.OSPath(runtime.GOOS, p) }

// throttle lets through at most one call per period (progress updates).
type throttle struct {
	mu    sync.Mutex
	last  time.Time
	every time.Duration
}

func (t *throttle) ok() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if now := time.Now(); now.Sub(t.last) >= t.every {
		t.last = now
		return true
	}
	return false
}

// summary is how a finished restore went, in words.
type summary struct {
	headline string
	details  []string
	imp      widget.Importance
}

// maxListed bounds the failed files listed by name.
const maxListed = 5

func summarize(j *job, res restore.Result, err error) summary {
	args := map[string]any{"Count": res.Files, "Size": words.Bytes(res.Bytes), "Folder": j.opts.To}
	sm := summary{imp: widget.SuccessImportance}
	switch {
	case errors.Is(err, context.Canceled):
		sm.imp = widget.WarningImportance
		sm.headline = lang.N("Cancelled: {{.Count}} files had been restored to {{.Folder}}.", int(res.Files), args)
		if j.opts.To == "" {
			sm.headline = lang.N("Cancelled: {{.Count}} files had been put back where they were.", int(res.Files), args)
		}
	case err != nil:
		sm.imp = widget.DangerImportance
		sm.headline = stoppedBecause(j, err)
	case res.Files == 0 && res.AlreadyThere > 0:
		sm.headline = words.Count(res.AlreadyThere, "The {{.Count}} files were already there, identical: nothing needed restoring.")
		res.AlreadyThere = 0 // said already
	case j.opts.To == "":
		sm.headline = lang.N("Restored {{.Count}} files ({{.Size}}) to where they were", int(res.Files), args)
	default:
		sm.headline = lang.N("Restored {{.Count}} files ({{.Size}}) to {{.Folder}}", int(res.Files), args)
	}
	sm.details = details(res)
	if len(res.Errors) > 0 && sm.imp == widget.SuccessImportance {
		sm.imp = widget.WarningImportance
	}
	return sm
}

// stoppedBecause says why a restore stopped, and what to do.
func stoppedBecause(j *job, err error) string {
	var pe *os.PathError
	switch {
	case errors.Is(err, engine.ErrNotFound):
		return lang.L("Something you chose is not in the backup as of that time. Turn on “Show deleted files” or choose another time, then try again.")
	case errors.As(err, &pe):
		return lang.L("Cairn could not write to {{.Folder}}: {{.Error}}. Choose another place under “Save to”, or check that the disk is connected and has room, then try again.",
			map[string]any{"Folder": j.folder, "Error": pe.Err.Error()})
	}
	return lang.L("The restore stopped: {{.Error}}", map[string]any{"Error": words.Error(err)})
}

// details lists files moved aside, files already there and files that
// could not be restored.
func details(res restore.Result) []string {
	var out []string
	if n := len(res.MovedAside); n > 0 {
		out = append(out, lang.N("{{.Count}} existing files were renamed to keep them, for example “{{.Name}}”.", n,
			map[string]any{"Count": n, "Name": filepath.Base(res.MovedAside[0])}))
	}
	if n := res.AlreadyThere; n > 0 {
		out = append(out, words.Count(n, "{{.Count}} files were already there, identical, and were left as they are."))
	}
	if n := len(res.Errors); n > 0 {
		out = append(out, words.Count(int64(n), "{{.Count}} files could not be restored. Check that the disk has room and that you may write there, then restore them again:"))
		for i, fe := range res.Errors {
			if i == maxListed {
				out = append(out, words.Count(int64(n-i), "…and {{.Count}} more"))
				break
			}
			out = append(out, lang.L("{{.Path}}: {{.Error}}", map[string]any{"Path": osPath(fe.Path), "Error": words.Error(fe.Err)}))
		}
	}
	return out
}
