// Package alerts decides when Cairn tells the person, with a desktop
// notification, that their files are not safe: backups have not completed
// for a day, a destination has not answered for three days, files could not
// be read. It only decides; the app shows the alerts (app/desktop) or logs
// them (LogNotifier, for the headless daemon).
//
// The decisions are pure functions of a sequence of Observations, each
// carrying its own time, so tests replay a week in microseconds. An Alerter
// remembers what it said, in a small JSON file, so that a restart does not
// say it again.
//
// The rules, and why:
//
//   - Nothing is said while the service is not running, nor on the first
//     observation of a run: that one reports what the service remembered,
//     not what it just tried. A laptop shut for a week is told nothing the
//     second it wakes; it is told once the service has tried again and failed.
//   - "Backups could not complete for a day" counts the time the service was
//     running since the last complete pass: within one run, the time from
//     max(LastComplete, the run's start) to now, the start being
//     Observation.Since or else the run's first observation; across restarts
//     that running time adds up (it is saved), so a computer switched off
//     every evening is still told after a day of running time, and the time
//     it was off never counts. Intervals are measured with Go's monotonic
//     clock when both times carry it, which on Linux and macOS stops while
//     the computer sleeps.
//   - "A destination cannot be reached" counts wall-clock time since it last
//     answered (a drive left unplugged for three days is news even if the
//     computer slept through some of them), per destination. Once it does,
//     the "could not complete" alert is no longer sent: the destination's
//     alert says the same thing more precisely, and a week-long outage reads
//     as one notification a day, not two.
//   - Files that could not be read are told once: an alert names up to three
//     of the new ones and how many more. A file is new when it was not in an
//     alert before, or has not been seen unreadable for Policy.Repeat (it was
//     fixed, then broke again).
//   - The same alert is shown at most once per Policy.Repeat while its
//     condition lasts; when the condition clears (the pass completes, the
//     destination answers) and later comes back, it counts as new. However
//     many conditions hold, at most Policy.MaxPerDay alerts are shown in any
//     24 hours; those held back wait, in order of importance (could not
//     complete, cannot reach, could not read), for the next observation with
//     room.
package alerts
