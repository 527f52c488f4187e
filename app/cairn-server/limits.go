package main

import (
	"flag"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/cairnbackup/cairn/engine/server"
)

// rateFlag is a flag.Value holding a limit: N failures within a window,
// written N/WINDOW (5/15m, 100/1h).
type rateFlag struct {
	n      int
	window time.Duration
}

func (f *rateFlag) String() string { return fmt.Sprintf("%d/%s", f.n, f.window) }
func (f *rateFlag) Set(s string) error {
	n, w, ok := strings.Cut(s, "/")
	count, err := strconv.Atoi(n)
	if !ok || err != nil || count < 1 {
		return fmt.Errorf("%q is not a limit: write a number of failures and a window, such as 5/15m or 100/1h", s)
	}
	window, err := parseDuration(w)
	if err != nil || window <= 0 {
		return fmt.Errorf("%q is not a limit: write a number of failures and a window, such as 5/15m or 100/1h", s)
	}
	f.n, f.window = count, window
	return nil
}

// prefixFlag collects repeated addresses or networks (203.0.113.7,
// 10.0.0.0/8, fd00::/8).
type prefixFlag []netip.Prefix

func (f *prefixFlag) String() string {
	var s []string
	for _, p := range *f {
		s = append(s, p.String())
	}
	return strings.Join(s, ",")
}

func (f *prefixFlag) Set(s string) error {
	if ip, err := netip.ParseAddr(s); err == nil {
		*f = append(*f, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
		return nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return fmt.Errorf("%q is neither an address nor a network: write 10.0.0.5 or 10.0.0.0/24", s)
	}
	*f = append(*f, p.Masked())
	return nil
}

// signinFlags are serve's flags for the sign-in limits, the trusted proxies
// and the audit log's retention (docs/SERVER.md, "Sign-in limits").
type signinFlags struct {
	signin, account rateFlag
	address         int
	knownFor        durationFlag
	proxies         prefixFlag
	auditKeep       durationFlag
}

// addSigninFlags declares the flags, with server.Options' defaults.
func addSigninFlags(fs *flag.FlagSet) *signinFlags {
	f := &signinFlags{signin: rateFlag{5, 15 * time.Minute}, account: rateFlag{100, time.Hour},
		knownFor: durationFlag{90 * 24 * time.Hour}, auditKeep: durationFlag{400 * 24 * time.Hour}}
	fs.Var(&f.signin, "signin-limit", "failed sign-ins of one user name from one address before it waits, and the window")
	fs.IntVar(&f.address, "address-limit", 20, "failed sign-ins from one address, any names, within the --signin-limit window")
	fs.Var(&f.account, "account-limit", "failed sign-ins of one user name from everywhere before it waits, except at addresses it signed in from lately")
	fs.Var(&f.knownFor, "known-for", "how long an address a user signed in from lets them through --account-limit")
	fs.Var(&f.proxies, "trusted-proxy", "a reverse proxy or load balancer (address or network) whose X-Forwarded-For names the client (repeatable)")
	fs.Var(&f.auditKeep, "audit-keep", "how long the audit log keeps an entry")
	return f
}

// apply sets the limits in o.
func (f *signinFlags) apply(o *server.Options) error {
	if f.address < 1 {
		return usageErr("--address-limit must be at least 1")
	}
	o.SigninFailures, o.SigninWindow = f.signin.n, f.signin.window
	o.AddressFailures = f.address
	o.AccountFailures, o.AccountWindow = f.account.n, f.account.window
	o.KnownFor, o.TrustedProxies, o.AuditRetention = f.knownFor.v, f.proxies, f.auditKeep.v
	return nil
}
