package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
)

// After an action, a page redirects to itself with ?done=KEY, and shows the
// sentence of that key. The names and numbers in it are filled from the
// records when the page is shown, never from the URL, and a key that is not
// here shows nothing: a crafted link cannot make the server appear to say
// what it likes.

// noticeFacts are what a page read from the records, for its notice.
type noticeFacts struct {
	User    string // the account the page is about
	Quota   string // its quota, in words
	Devices int    // the devices it may have
	Device  string // the device the action was about
}

// notices are the sentences by key; each returns "" when the page lacks
// the facts it needs.
var notices = map[string]func(f noticeFacts) string{
	"user-added": needUser(func(f noticeFacts) string { return "Added " + f.User + "." }),
	"user-disabled": needUser(func(f noticeFacts) string {
		return f.User + " is disabled: sign-ins and every request of their devices are refused."
	}),
	"user-enabled": needUser(func(f noticeFacts) string { return f.User + " is enabled." }),
	"admin-on":     needUser(func(f noticeFacts) string { return f.User + " is now an administrator." }),
	"admin-off":    needUser(func(f noticeFacts) string { return f.User + " is no longer an administrator." }),
	"email-saved":  needUser(func(f noticeFacts) string { return "The email address of " + f.User + " is saved." }),
	"quota-set":    needUser(func(f noticeFacts) string { return "The quota of " + f.User + " is now " + f.Quota + "." }),
	"devices-set":  needUser(func(f noticeFacts) string { return fmt.Sprintf("%s may now have up to %d devices.", f.User, f.Devices) }),
	"password-set": needUser(func(f noticeFacts) string {
		return "The password of " + f.User + " is changed and their browsers are signed out. Their devices stay signed in: " +
			"\"Sign out every device\" signs them out too."
	}),
	"devices-signed-out": needUser(func(f noticeFacts) string {
		return "Every device of " + f.User + " is signed out: each must sign in again with the password to go on backing up."
	}),
	"device-retired": func(f noticeFacts) string {
		if f.Device == "" || f.User == "" {
			return ""
		}
		return "Retired " + f.Device + " of " + f.User + "."
	},
	"settings-saved": func(noticeFacts) string { return "Settings saved." },
	"signin-revoked": func(noticeFacts) string {
		return "That computer is signed out: it must sign in again with your password to go on backing up."
	},
}

func needUser(fn func(noticeFacts) string) func(noticeFacts) string {
	return func(f noticeFacts) string {
		if f.User == "" {
			return ""
		}
		return fn(f)
	}
}

// notice is the sentence for the request's ?done= key, with f, when the
// key is one of the page's keys.
func notice(r *http.Request, f noticeFacts, keys ...string) string {
	key := r.URL.Query().Get("done")
	fn, ok := notices[key]
	if !ok || !slices.Contains(keys, key) {
		return ""
	}
	return fn(f)
}

// doneURL is path with the notice key (and more query values, as pairs).
func doneURL(path, key string, more ...string) string {
	q := url.Values{"done": {key}}
	for i := 0; i+1 < len(more); i += 2 {
		q.Set(more[i], more[i+1])
	}
	return path + "?" + q.Encode()
}
