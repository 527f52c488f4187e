//go:build race

package backup

// raceDetector: the race detector slows a pass several times over, and
// memory tests of 80,000 files then take minutes.
const raceDetector = true
