// Package e2e tests the web pages end to end: the real server and pages
// over TLS, an archive made by the client engine, driven in headless
// Chromium (chromedp). It is a package of its own because the client engine
// needs cgo, which the server and its pages do not.
//
//	go test ./engine/server/web/e2e -shots DIR   # keeps a screenshot of each page in DIR
//
// Without a Chromium binary the test is skipped, unless CAIRN_TEST_BROWSER=1
// (then it fails).
package e2e
