package selection

// darwinDefaults apply on macOS.
var darwinDefaults = []string{
	// The sealed system volume (and, through /System/Volumes/Data, a second
	// path to every user file): reinstalled, never restored.
	"/System",
	// Swap and sleep image.
	"/private/var/vm",
	// Temporary folders, including each user's $TMPDIR and its caches.
	"/private/tmp",
	"/private/var/tmp",
	"/private/var/folders",
	// Kernel core dumps.
	"/cores",
	// Device files and automounted network shares: not files on this disk.
	"/dev",
	"/Network",
	// Other drives are mounted here: external disks are included by name, if at all.
	"/Volumes",
	// Spotlight index, file system event log, document versions store,
	// local Time Machine snapshots: the system's own databases, rebuilt or locked.
	"/.Spotlight-V100",
	"/.fseventsd",
	"/.DocumentRevisions-V100",
	"/.MobileBackups",
	"/.vol",
	// Time Machine backups and trash on other volumes.
	"Backups.backupdb/",
	".Trashes/",
	// The trash.
	"~/.Trash",
	// Application caches, in the home Library and in sandboxed applications' containers.
	"/Library/Caches",
	"~/Library/Caches",
	"~/Library/Containers/*/Data/Library/Caches",
	// Diagnostic logs: of use on this Mac, now, not after a restore.
	"~/Library/Logs",
	// Xcode's build products, rebuilt from the sources.
	"~/Library/Developer/Xcode/DerivedData",
	// Docker Desktop's Linux virtual machine disk (Docker.raw): images are pulled again.
	"~/Library/Containers/com.docker.docker/Data/vms",
	// Cookies (Safari's store; Chromium-based browsers' and Electron
	// applications' cookie databases), and those applications' caches.
	"~/Library/Cookies",
	"~/Library/Application Support/**/Cookies",
	"~/Library/Application Support/**/Cookies-journal",
	"~/Library/Application Support/**/Cache/",
	"~/Library/Application Support/**/Code Cache/",
	"~/Library/Application Support/**/GPUCache/",
}
