package main

import (
	"flag"
	"io"
	"net/netip"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server"
)

func TestSigninFlags(t *testing.T) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := addSigninFlags(fs)
	err := fs.Parse([]string{"--signin-limit", "3/10m", "--address-limit", "50", "--account-limit", "200/2h",
		"--known-for", "30d", "--trusted-proxy", "10.0.0.5", "--trusted-proxy", "fd00::1/8", "--audit-keep", "90d"})
	if err != nil {
		t.Fatal(err)
	}
	var o server.Options
	if err := f.apply(&o); err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.5/32"), netip.MustParsePrefix("fd00::/8")}
	if o.SigninFailures != 3 || o.SigninWindow != 10*time.Minute || o.AddressFailures != 50 || o.AccountFailures != 200 ||
		o.AccountWindow != 2*time.Hour || o.KnownFor != 30*24*time.Hour || o.AuditRetention != 90*24*time.Hour ||
		len(o.TrustedProxies) != 2 || o.TrustedProxies[0] != want[0] || o.TrustedProxies[1] != want[1] {
		t.Fatalf("options %+v", o)
	}
	for _, bad := range [][]string{{"--signin-limit", "5"}, {"--signin-limit", "0/15m"}, {"--account-limit", "5/soon"},
		{"--trusted-proxy", "proxy.example.org"}} {
		if err := addSigninFlagsTo(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func addSigninFlagsTo(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addSigninFlags(fs)
	return fs.Parse(args)
}
