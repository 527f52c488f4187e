package records

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Sentinel errors. Methods wrap them with words for a person.
var (
	// ErrNotFound: no such user, device, token or object (or a revoked token).
	ErrNotFound = errors.New("not found")
	// ErrExists: the name is taken (a user, or a live object).
	ErrExists = errors.New("exists already")
	// ErrDeviceLimit: the user has their maximum of devices already.
	ErrDeviceLimit = errors.New("device limit reached")
	// ErrQuota: the object would take its user over their quota
	// (AddObjectInQuota).
	ErrQuota = errors.New("over quota")
)

// Defaults for new accounts: the seeds.
const (
	DefaultQuota      int64 = 1_000_000_000_000 // 1 TB
	DefaultMaxDevices       = 4
)

// User is an account.
type User struct {
	ID           int64
	Name         string
	PasswordHash string // passhash format
	Admin        bool
	Disabled     bool
	Quota        int64 // bytes
	MaxDevices   int
	Used         int64 // bytes of all the user's objects, trash included
	Devices      int   // devices not retired (filled by User and Users)
	Created      time.Time
	// Source is where the account comes from: SourceLocal (a password
	// kept here), SourceLDAP or SourceOIDC (the organisation's directory
	// or sign-on decides); ExternalID is its person's permanent identity
	// there. SyncDisabled: the directory sync disabled it.
	Source       string
	ExternalID   string
	SyncDisabled bool
}

// Where accounts come from (User.Source).
const (
	SourceLocal = "local"
	SourceLDAP  = "ldap"
	SourceOIDC  = "oidc"
)

// UserChange lists what UpdateUser changes; nil fields stay as they are.
type UserChange struct {
	PasswordHash *string
	Quota        *int64
	MaxDevices   *int
	Disabled     *bool
	Admin        *bool
	// Name renames the account (a directory account whose person was
	// renamed there); SyncDisabled records who disabled it.
	Name         *string
	SyncDisabled *bool
}

// Device is one computer of a user; it owns one archive.
type Device struct {
	ID         string // 128 random bits, hex
	UserID     int64
	UserName   string
	Name       string
	OS         string
	Created    time.Time
	LastSeen   time.Time // zero: never
	LastUpload time.Time // zero: never
	Retired    time.Time // zero: active
	Bytes      int64     // live objects only (filled by Devices)
	Objects    int64
}

// Token is a sign-in token of a device. Only the SHA-256 of the token is
// kept, so the records cannot be used to sign in.
type Token struct {
	Hash     string // hex SHA-256 of the token
	UserID   int64
	DeviceID string
	Created  time.Time
}

// Session is what a valid token stands for.
type Session struct {
	TokenHash string
	LastUsed  time.Time
	User      User
	Device    Device
}

// Object is one stored object, live or in the trash.
type Object struct {
	ID         int64
	Device     string
	Kind       string
	Name       string
	Size       int64
	Arrived    time.Time // server clock
	Deleted    time.Time // zero: live; else when it went to the trash
	UserName   string    // filled by Objects
	DeviceName string    // filled by Objects
}

// Live reports whether the object is not in the trash.
func (o Object) Live() bool { return o.Deleted.IsZero() }

// State selects live or trashed objects.
type State int

// States for ObjectQuery.
const (
	Live State = iota
	Trashed
	AnyState
)

// ObjectQuery selects objects; zero fields do not filter. Results are in ID
// order.
type ObjectQuery struct {
	State         State
	UserID        int64
	Device        string
	Kind          string
	Name          string
	DeletedBefore time.Time // trashed before this
	DeletedSince  time.Time // trashed at or after this
	AfterID       int64     // for paging
	Limit         int       // 0: all
}

// UsageDiff is a user whose recorded usage differs from the sum of their
// objects.
type UsageDiff struct {
	User     string
	Recorded int64
	Actual   int64
}

// Users is the accounts.
type Users interface {
	// AddUser creates an account; ErrExists when the name is taken.
	AddUser(ctx context.Context, u User) (User, error)
	// User finds an account by name.
	User(ctx context.Context, name string) (User, error)
	// Users lists every account by name.
	Users(ctx context.Context) ([]User, error)
	// UpdateUser changes an account.
	UpdateUser(ctx context.Context, name string, c UserChange) error
	// UserByExternal finds a directory account by its person's identity.
	UserByExternal(ctx context.Context, source, externalID string) (User, error)
}

// Devices is the users' computers.
type Devices interface {
	// RegisterDevice finds the user's active device called name, or adds
	// one: ErrDeviceLimit when the user has their maximum already.
	RegisterDevice(ctx context.Context, userID int64, name, os string, at time.Time) (Device, error)
	// Device finds a device (retired or not) by ID, with its usage.
	Device(ctx context.Context, id string) (Device, error)
	// Devices lists a user's devices (all users' when userID is 0), with
	// their usage, oldest first.
	Devices(ctx context.Context, userID int64) ([]Device, error)
	// AdoptDevice hands the user's active device id over to a new computer
	// (the replace-device wizard): it takes the new name and OS, and every
	// token of the old computer is revoked. ErrNotFound when id is not an
	// active device of the user; ErrExists when another active device of
	// theirs has that name.
	AdoptDevice(ctx context.Context, userID int64, id, name, os string, at time.Time) (Device, error)
	// RetireDevice revokes the device's tokens and frees its slot; its
	// objects stay.
	RetireDevice(ctx context.Context, id string, at time.Time) error
}

// Tokens is the sign-in tokens.
type Tokens interface {
	AddToken(ctx context.Context, t Token, at time.Time) error
	// Session finds the token's user and device; ErrNotFound for an
	// unknown token, a *RevokedError (which matches ErrNotFound too) for a
	// revoked one.
	Session(ctx context.Context, tokenHash string) (Session, error)
	// TouchSession records that the token and its device were used.
	TouchSession(ctx context.Context, s Session, at time.Time) error
	// RevokeToken revokes a token for reason (a Revoked constant);
	// revoking an unknown or revoked one is not an error.
	RevokeToken(ctx context.Context, tokenHash, reason string, at time.Time) error
	// RevokeUserTokens revokes every valid token of the user (signing all
	// their devices out in one step) and returns how many it revoked.
	RevokeUserTokens(ctx context.Context, userID int64, reason string, at time.Time) (int64, error)
	// DeviceSignins lists the user's valid tokens, by device name.
	DeviceSignins(ctx context.Context, userID int64) ([]DeviceSignin, error)
	// RevokeDeviceSignin revokes the user's valid token of that
	// DeviceSignin.ID (reason RevokedUser); ErrNotFound when the user has
	// none such, whoever else may.
	RevokeDeviceSignin(ctx context.Context, userID int64, id string, at time.Time) error
}

// Objects is the list of stored objects.
type Objects interface {
	// AddObject records an object, live or (Deleted set) in the trash,
	// and counts it in its user's usage. ErrExists when a live object has
	// that name already. Quotas are the caller's business.
	AddObject(ctx context.Context, o Object) (int64, error)
	// Object finds an object by ID.
	Object(ctx context.Context, id int64) (Object, error)
	// LiveObject finds the live object of that name.
	LiveObject(ctx context.Context, device, kind, name string) (Object, error)
	// Objects lists objects.
	Objects(ctx context.Context, q ObjectQuery) ([]Object, error)
	// TrashObject moves a live object to the trash.
	TrashObject(ctx context.Context, id int64, at time.Time) error
	// RestoreObject brings an object back from the trash; ErrExists when a
	// live object has its name now.
	RestoreObject(ctx context.Context, id int64) error
	// PurgeObject forgets an object and subtracts it from its user's usage.
	PurgeObject(ctx context.Context, id int64) error
	// RecountUsage compares each user's usage with the sum of their
	// objects, and with fix, corrects it.
	RecountUsage(ctx context.Context, fix bool) ([]UsageDiff, error)
}

// SigninLimit caps the failed sign-ins under one key (a user name, an
// address, both): at most Max within Window. Max 0 counts the attempt under
// Key without checking it.
type SigninLimit struct {
	Key    string
	Max    int
	Window time.Duration
}

// SigninReservation is the answer of ReserveSignin: an attempt reserved
// (Attempt), or refused until Wait has passed because limits[Limit] is
// reached.
type SigninReservation struct {
	Attempt int64
	Wait    time.Duration
	Limit   int // -1 when nothing is reached
}

// SigninLog is the recent failed sign-ins, by key (a user name or an
// address), for rate limiting, and where each user signed in from.
type SigninLog interface {
	// ReserveSignin counts an attempt as a failure under every limit's
	// key, in one transaction, unless a limit is reached already (then it
	// counts nothing and says how long to wait). Called before the password
	// is checked, it lets no more attempts through than the limits allow,
	// however many arrive at once and on however many nodes.
	ReserveSignin(ctx context.Context, at time.Time, limits []SigninLimit) (SigninReservation, error)
	// ReleaseSignin uncounts a reserved attempt that succeeded.
	ReleaseSignin(ctx context.Context, attempt int64) error
	// RememberSigninAddr records that user signed in from addr at at;
	// SignedInFrom reports whether they did since since.
	RememberSigninAddr(ctx context.Context, user, addr string, at time.Time) error
	SignedInFrom(ctx context.Context, user, addr string, since time.Time) (bool, error)
	// ForgetSigninAddrs drops sign-in addresses last used before before.
	ForgetSigninAddrs(ctx context.Context, before time.Time) error

	AddSigninFailure(ctx context.Context, at time.Time, keys ...string) error
	// SigninFailures returns the times of key's failures after since,
	// oldest first.
	SigninFailures(ctx context.Context, key string, since time.Time) ([]time.Time, error)
	ClearSigninFailures(ctx context.Context, key string) error
	// ForgetSigninFailures drops failures older than before.
	ForgetSigninFailures(ctx context.Context, before time.Time) error
}

// Settings is a small key-value table for what the server tells the
// administration commands (the grace window, for one).
type Settings interface {
	// Setting returns "" when key is not set.
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
}

// Store is the whole record store. Implementations are safe for concurrent
// use, also by several processes on one database.
type Store interface {
	Users
	Devices
	Tokens
	Objects
	SigninLog
	Settings
	Escrows
	OrgKeys
	Close() error
}

var validUserName = regexp.MustCompile(`^[a-z0-9][a-z0-9._@-]{0,63}$`)

// UserName returns name as accounts are keyed: lower case, so "Ana" and
// "ana" are one account. Names are 1 to 64 letters, digits, '.', '_', '@'
// or '-', starting with a letter or digit.
func UserName(name string) (string, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if !validUserName.MatchString(n) {
		return "", fmt.Errorf("user name %q is not valid: use 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit", name)
	}
	return n, nil
}
