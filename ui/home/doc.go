// Package home is the Home screen: whether this computer's files are safe,
// per destination its state, the running backup's progress, the last
// backup and what is stored there, what is selected, the files that could
// not be read, how changes are found (the folders watched, the daily full
// scan), the upload limit while the person is away, and the Back up now
// and Pause buttons.
//
// It follows the service's published state (throttled to a few updates a
// second) and reads the device's status off the UI thread when it comes
// into view and after every backup pass.
package home
