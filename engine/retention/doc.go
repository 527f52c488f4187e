// Package retention decides which recorded versions of one path to keep.
//
// It is a pure function, [Apply]: the history of one path (sorted oldest to
// newest), a [Policy] and the current time go in; one [Decision] per entry
// comes out, saying keep or drop and why. It reads no clock, touches no
// storage and imports only the standard library, so that prune can call it
// for millions of paths and the UI can call it to explain a single one.
//
// # Thinning
//
// A policy is a list of tiers, each {Within, Every}: a version whose age
// (now minus its recorded time) is at most Within, and more than the previous
// tier's Within, belongs to that tier, where time is cut into buckets Every
// wide and only the newest entry of each bucket is kept. Versions older than
// every tier use [Policy.Older]. An Every of zero ([KeepAll]) keeps every
// version in the tier. The default, [Default], keeps one version per 30
// minutes for a week, one per day for 90 days, one per week for a year and
// one per calendar month after that.
//
// Buckets are aligned periods, not distances between versions: two versions
// two minutes apart at 13:29 and 13:31 are in different 30-minute buckets,
// and both stay. Fixed widths are counted from Monday 1970-01-05T00:00:00Z,
// so 30m buckets are clock half-hours, 24h buckets are UTC days and 168h
// buckets are ISO weeks (Monday to Sunday, UTC). [Month] buckets are
// calendar months in UTC.
//
// A bucket is also cut wherever a bucket of any older tier begins: a week
// that spans the end of a month counts as two buckets, one per month. This
// costs at most one extra version per bucket of the older tier (per month,
// with the default policy), and buys the property that
// makes repeated prunes safe: as now advances, a version only moves to
// buckets that contain its old one, so an entry that was dropped would be
// dropped again, and under a valid policy the set of kept entries only
// shrinks. Applying the policy to what earlier prunes left decides every
// survivor as applying it to the whole history would, so pruning often keeps
// exactly what pruning once would.
//
// "Newest in its bucket" is judged against every newer entry of the path,
// whatever that entry's tier: a version from 7 days and 1 minute ago is
// dropped when a newer version of the same UTC day exists, even though that
// newer one is still in the 30-minute tier.
//
// In the config file a policy is JSON (see [Policy]); durations are Go's
// ("30m", "36h") or whole days ("90d"), widths are also "all" or "month".
//
// # Deletions
//
// A deletion marker ([Entry.Deleted]) records that the path disappeared.
// When the newest entry is a marker recorded more than [Policy.DeletedKeep]
// ago, the whole history of the path goes: every version and the marker.
// Until then the marker and the last version before it are always kept, so
// the deleted file can still be restored, and older versions are thinned as
// usual.
//
// A marker in the middle of a history (a file deleted and later re-created)
// is thinned like a version: it is kept when it is the newest entry of its
// bucket, which means the path did not exist at the end of that bucket, and
// it is dropped when a newer entry of the same bucket exists. Thinning thus
// keeps the state of the path at the end of every bucket. A version followed
// by a marker in the same bucket is dropped; its content survives only if an
// earlier bucket kept it.
//
// # What is never removed
//
//   - The newest entry of a live file (one whose newest entry is not a
//     marker), however old, whatever the policy.
//   - The newest marker of a deleted file and the last version before it,
//     until DeletedKeep has passed.
//   - Entries recorded after now (the clock went backwards); they count as
//     newer entries when older ones are thinned. Their reason is "future"
//     even when another rule would keep them too.
package retention
