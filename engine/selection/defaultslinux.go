package selection

// linuxDefaults apply on Linux and other Unix systems.
var linuxDefaults = []string{
	// Kernel and runtime views of the system, not files on a disk.
	"/proc",
	"/sys",
	"/dev",
	"/run",
	// Temporary folders, emptied at boot or by tmpfiles.d.
	"/tmp",
	"/var/tmp",
	// System package and application caches.
	"/var/cache",
	// Recovered fragments from fsck, owned by root.
	"/lost+found",
	// Mount points of other drives: external disks are included by name, if at all.
	"/mnt",
	"/media",
	// Swap files.
	"/swapfile",
	"/swap.img",
	// Installed snaps are read-only images, downloaded again on install.
	"/snap",
	"/var/lib/snapd/snaps",
	// Container image layers (Docker, Podman): pulled again from registries.
	// Volumes, which may hold data, are kept.
	"/var/lib/docker/overlay2",
	"/var/lib/containers/storage/overlay*",
	"~/.local/share/containers/storage/overlay*",
	"~/.local/share/docker/overlay2",
	// The XDG cache folder: browser caches, thumbnails, build caches.
	"~/.cache",
	// The trash, in the home folder and on other drives (.Trash-1000).
	"~/.local/share/Trash",
	".Trash-*/",
	// The thumbnail cache's older location.
	"~/.thumbnails",
	// Per-application caches of snaps and Flatpaks.
	"~/snap/*/*/.cache",
	"~/.var/app/*/cache",
	// Browser caches that are not under ~/.cache, and Chromium-based browsers'
	// and Electron applications' caches and cookie databases under ~/.config.
	"~/.mozilla/firefox/*/cache2",
	"~/.config/google-chrome/*/Cache",
	"~/.config/**/Cache/",
	"~/.config/**/Code Cache/",
	"~/.config/**/GPUCache/",
	"~/.config/**/Cookies",
	"~/.config/**/Cookies-journal",
}
