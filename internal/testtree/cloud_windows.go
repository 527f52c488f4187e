//go:build windows

package testtree

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Windows' Cloud Filter API (cfapi.h), the one OneDrive and iCloud for
// Windows use: a folder registered as a sync root holds placeholders, files
// whose data stays with the provider until read.
var (
	cldapi                   = windows.NewLazySystemDLL("cldapi.dll")
	procCfRegisterSyncRoot   = cldapi.NewProc("CfRegisterSyncRoot")
	procCfUnregisterSyncRoot = cldapi.NewProc("CfUnregisterSyncRoot")
	procCfCreatePlaceholders = cldapi.NewProc("CfCreatePlaceholders")
)

// cfSyncRegistration is CF_SYNC_REGISTRATION.
type cfSyncRegistration struct {
	StructSize             uint32
	ProviderName           *uint16
	ProviderVersion        *uint16
	SyncRootIdentity       *byte
	SyncRootIdentityLength uint32
	FileIdentity           *byte
	FileIdentityLength     uint32
	ProviderID             windows.GUID
}

// cfSyncPolicies is CF_SYNC_POLICIES.
type cfSyncPolicies struct {
	StructSize                     uint32
	HydrationPrimary, HydrationMod uint16
	PopulationPrimary, PopMod      uint16
	InSync                         uint32
	HardLink                       uint32
	PlaceholderManagement          uint32
}

// cfPlaceholderCreateInfo is CF_PLACEHOLDER_CREATE_INFO.
type cfPlaceholderCreateInfo struct {
	RelativeFileName *uint16
	// CF_FS_METADATA: FILE_BASIC_INFO, then the file's size.
	CreationTime, LastAccessTime, LastWriteTime, ChangeTime int64
	FileAttributes                                          uint32
	_                                                       uint32
	FileSize                                                int64
	FileIdentity                                            *byte
	FileIdentityLength                                      uint32
	Flags                                                   uint32
	Result                                                  int32
	CreateUsn                                               int64
}

const (
	cfHydrationFull         = 2 // CF_HYDRATION_POLICY_FULL
	cfPopulationAlwaysFull  = 3 // CF_POPULATION_POLICY_ALWAYS_FULL: no callbacks to list folders
	cfPlaceholderMarkInSync = 2 // CF_PLACEHOLDER_CREATE_FLAG_MARK_IN_SYNC
)

// hresult turns what a Cloud Filter call returned into an error.
func hresult(call string, r uintptr) error {
	if int32(r) >= 0 {
		return nil
	}
	return fmt.Errorf("%s: HRESULT %#08x (%v)", call, uint32(r), windows.Errno(r&0xffff))
}

// CloudPlaceholders makes a new folder a Cloud Filter sync root (a test
// provider, never connected: nothing can download) and creates in it a
// placeholder of size bytes for each name: files whose data is "in the
// cloud", as OneDrive's Files On-Demand leaves them. It returns the folder,
// which is unregistered and removed when the test ends. The test is
// skipped, with the reason, where Windows has no Cloud Filter (cldflt) for
// the folder's volume.
func CloudPlaceholders(t testing.TB, size int64, names ...string) string {
	t.Helper()
	if err := cldapi.Load(); err != nil {
		t.Skipf("no Cloud Filter API on this Windows (%v)", err)
	}
	root, err := os.MkdirTemp("", "cairn-cloud-")
	if err != nil {
		t.Fatal(err)
	}
	root, err = filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	// The long form (%TEMP% may be C:\Users\RUNNER~1\…): the path the
	// filter matches files against.
	buf := make([]uint16, windows.MAX_LONG_PATH)
	if n, err := windows.GetLongPathName(windows.StringToUTF16Ptr(root), &buf[0], uint32(len(buf))); err == nil && n > 0 && int(n) < len(buf) {
		root = windows.UTF16ToString(buf[:n])
	}
	rootW := windows.StringToUTF16Ptr(root)
	t.Cleanup(func() {
		if err := os.RemoveAll(root); err != nil {
			t.Logf("remove the sync root %s: %v", root, err)
		}
	})
	identity := []byte("cairn-test-root")
	reg := cfSyncRegistration{
		ProviderName: windows.StringToUTF16Ptr("CairnTest"), ProviderVersion: windows.StringToUTF16Ptr("1.0"),
		SyncRootIdentity: &identity[0], SyncRootIdentityLength: uint32(len(identity)),
		ProviderID: windows.GUID{Data1: 0x6361726e, Data2: 0x7465, Data3: 0x7374, Data4: [8]byte{'c', 'l', 'o', 'u', 'd', 'f', 'i', 'l'}},
	}
	reg.StructSize = uint32(unsafe.Sizeof(reg))
	pol := cfSyncPolicies{HydrationPrimary: cfHydrationFull, PopulationPrimary: cfPopulationAlwaysFull}
	pol.StructSize = uint32(unsafe.Sizeof(pol))
	r, _, _ := procCfRegisterSyncRoot.Call(uintptr(unsafe.Pointer(rootW)), uintptr(unsafe.Pointer(&reg)),
		uintptr(unsafe.Pointer(&pol)), 0)
	if err := hresult("CfRegisterSyncRoot", r); err != nil {
		t.Skipf("cannot make %s a cloud sync root here: %v", root, err)
	}
	t.Cleanup(func() {
		r, _, _ := procCfUnregisterSyncRoot.Call(uintptr(unsafe.Pointer(rootW)))
		if err := hresult("CfUnregisterSyncRoot", r); err != nil {
			t.Logf("%s: %v", root, err)
		}
	})
	now := time.Now().UnixNano()/100 + 116444736000000000 // 100 ns since 1601
	infos := make([]cfPlaceholderCreateInfo, len(names))
	ids := make([][]byte, len(names))
	for i, name := range names {
		ids[i] = binary.LittleEndian.AppendUint32([]byte("id"), uint32(i))
		infos[i] = cfPlaceholderCreateInfo{
			RelativeFileName: windows.StringToUTF16Ptr(name),
			CreationTime:     now, LastAccessTime: now, LastWriteTime: now, ChangeTime: now,
			FileAttributes: windows.FILE_ATTRIBUTE_NORMAL, FileSize: size,
			FileIdentity: &ids[i][0], FileIdentityLength: uint32(len(ids[i])), Flags: cfPlaceholderMarkInSync,
		}
	}
	var done uint32
	r, _, _ = procCfCreatePlaceholders.Call(uintptr(unsafe.Pointer(rootW)), uintptr(unsafe.Pointer(&infos[0])),
		uintptr(len(infos)), 0, uintptr(unsafe.Pointer(&done)))
	if err := hresult("CfCreatePlaceholders", r); err != nil {
		t.Fatalf("in the sync root %s: %v (%d of %d made)", root, err, done, len(names))
	}
	for i := range infos {
		if err := hresult("placeholder "+names[i], uintptr(uint32(infos[i].Result))); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// AppExecLink makes at path what Windows puts in
// %LOCALAPPDATA%\Microsoft\WindowsApps for an installed Store app: a file
// whose reparse point is an app execution alias (IO_REPARSE_TAG_APPEXECLINK;
// version 3: the package, the app's ID, the program it starts, its kind).
// The test is skipped, with the reason, where Windows refuses to set it.
func AppExecLink(t testing.TB, path, pkg, app, target string) {
	t.Helper()
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	data := binary.LittleEndian.AppendUint32(nil, 3)
	for _, s := range []string{pkg, app, target, "0"} {
		u, err := windows.UTF16FromString(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range u {
			data = binary.LittleEndian.AppendUint16(data, c)
		}
	}
	const tagAppExecLink = 0x8000001B
	buf := binary.LittleEndian.AppendUint32(nil, tagAppExecLink)
	buf = binary.LittleEndian.AppendUint16(buf, uint16(len(data)))
	buf = binary.LittleEndian.AppendUint16(buf, 0)
	buf = append(buf, data...)
	h, err := windows.CreateFile(windows.StringToUTF16Ptr(path), windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING,
		windows.FILE_FLAG_OPEN_REPARSE_POINT|windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer windows.CloseHandle(h)
	var n uint32
	if err := windows.DeviceIoControl(h, windows.FSCTL_SET_REPARSE_POINT, &buf[0], uint32(len(buf)), nil, 0, &n, nil); err != nil {
		// Windows' own refusal, not the code under test's: say so.
		t.Skipf("this Windows does not let a program make an app execution alias (%s): %v", path, err)
	}
}

// ReparseTag is the reparse tag of the entry at path as its folder's
// listing gives it (FindFirstFile), 0 when it is not a reparse point:
// independent of the code under test, which reads it through a handle.
func ReparseTag(path string) (uint32, error) {
	var d windows.Win32finddata
	h, err := windows.FindFirstFile(windows.StringToUTF16Ptr(path), &d)
	if err != nil {
		return 0, fmt.Errorf("find %s: %w", path, err)
	}
	windows.FindClose(h)
	if d.FileAttributes&windows.FILE_ATTRIBUTE_REPARSE_POINT == 0 {
		return 0, nil
	}
	return d.Reserved0, nil
}
