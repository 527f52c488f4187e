package server

import (
	"strings"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/records"
)

// A password typed into the user name's field must not reach the log: a
// name that is no account is logged as a keyed hash, the same for the same
// name; an account's name is logged as it is.
func TestSigninLogsNoUnknownName(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{})
	for _, name := range []string{"Tr0ub4dor&3", "correcthorsebattery", "correcthorsebattery"} {
		expect(t, s.do("POST", "/api/v1/signin", "", signinBody(name, "x", "laptop")), 401, "credentials")
	}
	expect(t, s.do("POST", "/api/v1/signin", "", signinBody("ana", "wrong", "laptop")), 401, "credentials")
	logs := s.log.String()
	for _, secret := range []string{"Tr0ub4dor", "correcthorse"} {
		if strings.Contains(logs, secret) {
			t.Fatalf("the log shows %q:\n%s", secret, logs)
		}
	}
	hashed := map[string]int{}
	for _, line := range strings.Split(logs, "\n") {
		if i := strings.Index(line, "user=unknown:"); i >= 0 {
			hashed[strings.Fields(line[i:])[0]]++
		}
	}
	if len(hashed) != 2 || !strings.Contains(logs, "user=ana ") {
		t.Fatalf("names logged %v; want two hashes (one twice) and ana:\n%s", hashed, logs)
	}
}

// The purge forgets audit entries older than AuditRetention, and the
// addresses users signed in from that are older than KnownFor.
func TestPurgeForgetsOldAuditAndAddresses(t *testing.T) {
	s := newTestServer(t)
	ctx := t.Context()
	now := s.clock.Now()
	s.data.Records.AddAudit(ctx, records.AuditEntry{At: now.Add(-401 * 24 * time.Hour), Action: "signin"})
	s.data.Records.AddAudit(ctx, records.AuditEntry{At: now.Add(-399 * 24 * time.Hour), Action: "download"})
	s.data.Records.RememberSigninAddr(ctx, "ana", "10.0.0.1", now.Add(-91*24*time.Hour))
	s.data.Records.RememberSigninAddr(ctx, "ana", "10.0.0.2", now.Add(-89*24*time.Hour))
	s.srv.Purge(ctx)
	es, err := s.data.Records.Audit(ctx, 0, 10)
	if err != nil || len(es) != 1 || es[0].Action != "download" {
		t.Fatalf("audit after the purge: %+v %v", es, err)
	}
	old, _ := s.data.Records.SignedInFrom(ctx, "ana", "10.0.0.1", time.Time{})
	recent, _ := s.data.Records.SignedInFrom(ctx, "ana", "10.0.0.2", time.Time{})
	if old || !recent {
		t.Fatalf("addresses after the purge: old %v, recent %v", old, recent)
	}
}
