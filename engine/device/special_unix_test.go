//go:build unix

package device

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// Device nodes, FIFOs and sockets exist only on unix systems.
func TestSpecialFilesAreRecordedNotRead(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("making a device node needs root")
	}
	f := newFixture(t)
	if err := syscall.Mknod(f.path("null-copy"), syscall.S_IFCHR|0o666, int(1<<8|3)); err != nil {
		t.Fatal(err)
	}
	testtree.Write(t, f.src, map[string]testtree.Node{"fifo": {FIFO: true}})
	sock, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Bind(sock, &syscall.SockaddrUnix{Name: f.path("app.sock")}); err != nil {
		t.Fatal(err)
	}
	syscall.Close(sock) // the socket file stays
	f.backup()          // would hang if it read the fifo
	to := filepath.Join(f.dir, "r")
	f.restore(restore.Options{To: to})
	var st syscall.Stat_t
	if err := syscall.Lstat(filepath.Join(to, "ana", "null-copy"), &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFCHR || st.Rdev != 1<<8|3 {
		t.Fatalf("device not recreated: %v %o %x", err, st.Mode, st.Rdev)
	}
	if err := syscall.Lstat(filepath.Join(to, "ana", "app.sock"), &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFSOCK {
		t.Fatalf("socket not recreated: %v %o", err, st.Mode)
	}
}
