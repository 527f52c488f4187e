// Package throttle keeps continuous backup from slowing the computer down.
//
// From a Policy and the current Conditions (the time, how long the person
// has been idle, the battery) Policy.Decide says whether backups may run now,
// how fast they may upload and what share of the processor they may use, and
// why not, in words for a person, when they may not. The pieces it needs are
// here too, each usable alone:
//
//   - Limiter holds uploads to a bandwidth, changeable while transfers are
//     under way; Backend applies it to a store.Backend.
//   - Presence reports how long the person has not touched the keyboard or
//     mouse: X11 (MIT-SCREEN-SAVER) on Linux, GetLastInputInfo on Windows,
//     IOKit's HIDIdleTime (through ioreg) on macOS.
//   - ReadBattery reads the battery: Linux sysfs, GetSystemPowerStatus on
//     Windows, pmset on macOS.
//   - Window is "back up only between 22:00 and 06:00 on weekdays".
//   - Workers and Pacer turn a CPU share into a number of workers and a duty
//     cycle for each.
//
// The package does not import the backup service; the service asks for a
// Decision whenever conditions may have changed (Decision.RecheckAt says when
// time alone changes it) and applies it: Limiter.SetLimit, Pacer.SetPercent,
// pausing and resuming work.
package throttle
