package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// heldOpens wraps Options.OpenArchive: each password check (a call) is
// counted, and those of one device are held until the test lets them go,
// so that every request that can reach the check is in flight at once.
type heldOpens struct {
	device  string // "" holds every device
	release chan struct{}
	once    sync.Once

	mu                    sync.Mutex
	checked, wrong        int
	inside, mostInside    int
	insideDevice, devMost int
}

func holdOpens(device string) (*heldOpens, func(*Options)) {
	h := &heldOpens{device: device, release: make(chan struct{})}
	return h, func(o *Options) {
		inner := o.OpenArchive
		o.OpenArchive = func(ctx context.Context, dev string, pw []byte) (Archive, error) {
			h.mu.Lock()
			held := h.device == "" || dev == h.device
			h.mu.Unlock()
			h.enter(string(pw) != "secret", held)
			defer h.leave(held)
			if held {
				select {
				case <-h.release:
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}
			return inner(ctx, dev, pw)
		}
	}
}

// let lets the held checks go (once; the test's cleanup does it too, so
// that a failing test does not leave requests hanging).
func (h *heldOpens) let() { h.once.Do(func() { close(h.release) }) }

func (h *heldOpens) enter(wrong, held bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.checked++
	if wrong {
		h.wrong++
	}
	h.inside++
	h.mostInside = max(h.mostInside, h.inside)
	if held {
		h.insideDevice++
		h.devMost = max(h.devMost, h.insideDevice)
	}
}

func (h *heldOpens) leave(held bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.inside--
	if held {
		h.insideDevice--
	}
}

func (h *heldOpens) counts() (checked, wrong, inside int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.checked, h.wrong, h.inside
}

// unlockAll sends the unlock forms at once (a barrier), each from its own
// goroutine, and returns their statuses once all are answered. until is
// polled while they run; when it is true the held checks are let go.
func unlockAll(t *testing.T, e *env, h *heldOpens, reqs []unlockReq, until func(answered int) bool) []int {
	t.Helper()
	start := make(chan struct{})
	statuses := make([]int, len(reqs))
	var answered sync.WaitGroup
	var mu sync.Mutex
	n := 0
	for i, r := range reqs {
		answered.Go(func() {
			<-start
			statuses[i] = r.send(e)
			mu.Lock()
			n++
			mu.Unlock()
		})
	}
	close(start)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		mu.Lock()
		done := n
		mu.Unlock()
		if until(done) {
			c, w, in := h.counts()
			t.Logf("let go with %d checked (%d wrong), %d inside, %d answered, %d waiting their turn", c, w, in, done, e.web.gate.waiters())
			break
		}
		if time.Now().After(deadline) {
			h.let()
			answered.Wait()
			c, w, in := h.counts()
			t.Fatalf("the requests never all reached the check or an answer: %d checked (%d wrong), %d inside, %d answered, %d waiting: %v",
				c, w, in, done, e.web.gate.waiters(), statuses)
		}
		time.Sleep(2 * time.Millisecond) // polling, not a timing: the deadline above is generous
	}
	h.let()
	answered.Wait()
	return statuses
}

// unlockReq is one unlock form, from a signed-in browser.
type unlockReq struct {
	b        *browser
	token    string
	device   string
	password string
}

func (r unlockReq) send(e *env) int {
	form := url.Values{"password": {r.password}, "csrf": {r.token}}
	req, err := http.NewRequest("POST", e.ts.URL+"/web/devices/"+r.device+"/unlock", strings.NewReader(form.Encode()))
	if err != nil {
		return -1
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := r.b.c.Do(req)
	if err != nil {
		return -1
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestParallelArchiveUnlocksCheckAtMostTheLimit: 15 unlocks sent at once
// by one person, 14 wrong and the right one, check at most the limit's
// number of wrong passwords (the limit was checked before and the failure
// recorded after the check, so all 15 were checked).
func TestParallelArchiveUnlocksCheckAtMostTheLimit(t *testing.T) {
	h, hold := holdOpens("")
	e := newEnv(t, hold, func(o *Options) { o.MaxUnlocking = 16 })
	t.Cleanup(h.let)
	b := e.browser()
	b.mustSignin("ana")
	token := b.get("/web/devices").csrf()
	var reqs []unlockReq
	for i := range 15 {
		pw := "wrong"
		if i == 7 {
			pw = "secret"
		}
		reqs = append(reqs, unlockReq{b, token, e.anaLaptop.ID, pw})
	}
	statuses := unlockAll(t, e, h, reqs, func(answered int) bool {
		checked, _, inside := h.counts()
		return checked > e.web.o.ArchiveFailures || inside+answered+e.web.gate.waiters() == len(reqs)
	})
	checked, wrong, _ := h.counts()
	if limit := e.web.o.ArchiveFailures; wrong > limit {
		t.Fatalf("%d wrong passwords checked, limit %d (%d checks in all): %v", wrong, limit, checked, statuses)
	}
	for _, s := range statuses {
		if s != http.StatusUnauthorized && s != http.StatusTooManyRequests && s != http.StatusSeeOther {
			t.Fatalf("answers %v", statuses)
		}
	}
	t.Logf("%d passwords checked (%d wrong): %v", checked, wrong, statuses)
}

// TestParallelArchiveUnlocksFromOneAddress: 15 people at one address send
// a wrong archive password at once; the address's limit holds.
func TestParallelArchiveUnlocksFromOneAddress(t *testing.T) {
	h, hold := holdOpens("")
	e := newEnv(t, hold, func(o *Options) { o.MaxUnlocking = 16 })
	t.Cleanup(h.let)
	var reqs []unlockReq
	for i := range 15 {
		u := e.addUser(fmt.Sprintf("user%02d", i), false)
		d := e.addDevice(u, "laptop")
		b := e.browser()
		b.mustSignin(u.Name)
		reqs = append(reqs, unlockReq{b, b.get("/web/devices").csrf(), d.ID, "wrong"})
	}
	statuses := unlockAll(t, e, h, reqs, func(answered int) bool {
		checked, _, inside := h.counts()
		return checked > e.web.o.ArchiveFailures || inside+answered == len(reqs)
	})
	if _, wrong, _ := h.counts(); wrong > e.web.o.ArchiveFailures {
		t.Fatalf("%d wrong passwords checked from one address, limit %d: %v", wrong, e.web.o.ArchiveFailures, statuses)
	}
	fails, _ := e.data.Records.SigninFailures(t.Context(), "archive:addr:127.0.0.1", e.clock.Now().Add(-time.Hour))
	if len(fails) > e.web.o.ArchiveFailures {
		t.Fatalf("%d failures recorded", len(fails))
	}
}

// TestOnePersonTakesOneUnlockSlot: while one person's unlocks are being
// checked (held here), another person's unlock runs: a person's unlocks run
// one at a time, so they take one of the server's two slots at most.
func TestOnePersonTakesOneUnlockSlot(t *testing.T) {
	h, hold := holdOpens("none yet")
	e := newEnv(t, hold) // MaxUnlocking: the default 2
	t.Cleanup(h.let)
	h.holdOnly(e.anaLaptop.ID)
	ana := e.browser()
	ana.mustSignin("ana")
	token := ana.get("/web/devices").csrf()
	bob := e.browser()
	bob.mustSignin("bob")
	bobToken := bob.get("/web/devices").csrf()

	anaStatuses := make(chan int, 3)
	for range 3 {
		go func() { anaStatuses <- unlockReq{ana, token, e.anaLaptop.ID, "secret"}.send(e) }()
	}
	waitFor(t, "one of ana's unlocks checked and two waiting their turn", func() bool {
		return h.heldInside() == 1 && e.web.gate.waiters() == 2
	})
	bobStatus := make(chan int, 1)
	go func() { bobStatus <- unlockReq{bob, bobToken, e.bobDesktop.ID, "secret"}.send(e) }()
	select {
	case s := <-bobStatus:
		if s != http.StatusSeeOther {
			t.Errorf("bob's unlock: %d", s)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("bob's unlock waited for ana's: one person took every slot")
	}
	h.let()
	for range 3 {
		if s := <-anaStatuses; s != http.StatusSeeOther {
			t.Errorf("ana's unlock: %d", s)
		}
	}
	if h.devMost != 1 {
		t.Fatalf("%d of ana's unlocks ran at once", h.devMost)
	}
}

func (h *heldOpens) holdOnly(device string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.device = device
}

func (h *heldOpens) heldInside() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.insideDevice
}

// waitFor polls cond with a generous deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
	}
}
