package selection

// windowsDefaults apply on Windows. Drive letters are matched with "*:" so
// that the same system folders are excluded on every drive.
var windowsDefaults = []string{
	// The operating system, reinstalled, never restored.
	"/*:/Windows",
	// The recycle bin and restore points, on every drive.
	"/*:/$Recycle.Bin",
	"/*:/System Volume Information",
	// Paging, hibernation and swap files: memory, not files; locked anyway.
	"/*:/pagefile.sys",
	"/*:/hiberfil.sys",
	"/*:/swapfile.sys",
	// Temporary files.
	"~/AppData/Local/Temp",
	// Internet Explorer and Edge (legacy) cache and cookies, the web cache
	// database (locked), and Explorer's thumbnail and icon caches.
	"~/AppData/Local/Microsoft/Windows/INetCache",
	"~/AppData/Local/Microsoft/Windows/INetCookies",
	"~/AppData/Local/Microsoft/Windows/WebCache",
	"~/AppData/Local/Microsoft/Windows/Explorer",
	// Crash dumps written when a program fails.
	"~/AppData/Local/CrashDumps",
	// Chromium-based browsers (Chrome, Edge, Brave...): the cache of each
	// profile ("~/AppData/Local/Google/Chrome/User Data/Default/Cache").
	"~/AppData/Local/**/User Data/*/Cache",
	// Chromium-based browsers' and Electron applications' other caches and
	// cookie databases.
	"~/AppData/Roaming/*/Cache/",
	"~/AppData/**/Code Cache/",
	"~/AppData/**/GPUCache/",
	"~/AppData/**/Cookies",
	"~/AppData/**/Cookies-journal",
	// Firefox's cache.
	"~/AppData/Local/Mozilla/Firefox/Profiles/*/cache2",
	// Store applications' web caches and temporary folders.
	"~/AppData/Local/Packages/*/AC/INetCache",
	"~/AppData/Local/Packages/*/TempState",
	// npm's download cache.
	"~/AppData/Local/npm-cache/_cacache",
	// The user's registry hives and their logs: locked while the user is
	// logged on, so every read fails, and of no use on another installation.
	"~/NTUSER.DAT*",
	"~/AppData/Local/Microsoft/Windows/UsrClass.dat*",
}
