//go:build linux

package nsfs

import (
	"errors"
	"fmt"
	"sort"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The ioctl_nsfs(2) request numbers, from include/uapi/linux/nsfs.h of
// Linux 6.18 (NSIO is 0xb7). They are defined here rather than taken from
// x/sys/unix so that every request is known on every architecture and the
// set matches the kernel this was written for.
const (
	NS_GET_USERNS          = 0xb701     // _IO(NSIO, 0x1): fd of the owning user namespace
	NS_GET_PARENT          = 0xb702     // _IO(NSIO, 0x2): fd of the parent (pid, user)
	NS_GET_NSTYPE          = 0xb703     // _IO(NSIO, 0x3): CLONE_NEW* of the namespace
	NS_GET_OWNER_UID       = 0xb704     // _IO(NSIO, 0x4): uid_t owner of a user namespace
	NS_GET_MNTNS_ID        = 0x8008b705 // _IOR(NSIO, 0x5, __u64): id of a mount namespace
	NS_GET_PID_FROM_PIDNS  = 0x8004b706 // _IOR(NSIO, 0x6, int): pid in ns -> caller's pid
	NS_GET_TGID_FROM_PIDNS = 0x8004b707 // _IOR(NSIO, 0x7, int): pid in ns -> caller's tgid
	NS_GET_PID_IN_PIDNS    = 0x8004b708 // _IOR(NSIO, 0x8, int): caller's pid -> pid in ns
	NS_GET_TGID_IN_PIDNS   = 0x8004b709 // _IOR(NSIO, 0x9, int): caller's pid -> tgid in ns
	NS_GET_ID              = 0x8008b70d // _IOR(NSIO, 0xd, __u64): 64-bit namespace id
)

// ErrNotSupported reports an ioctl_nsfs request this kernel does not have
// (ENOTTY). errors.Is(err, unix.ENOTTY) also holds for it.
var ErrNotSupported = errors.New("not supported by this kernel")

// RequestKind says what a request returns.
type RequestKind int

// The shapes of ioctl_nsfs requests.
const (
	KindHandle RequestKind = iota // returns a new namespace file descriptor
	KindInt                       // returns an integer as the ioctl result
	KindUID                       // writes a uid_t through the argument
	KindU64                       // writes a __u64 through the argument
	KindPID                       // takes a pid by value, returns a pid
)

// Request describes one ioctl_nsfs(2) request.
type Request struct {
	Name string
	Num  uint
	Kind RequestKind
	// Types limits the namespace types the request applies to; nil means any.
	Types []Type
	// Doc says what the request answers.
	Doc string
}

// Requests lists every ioctl_nsfs(2) request nsfs knows, by name.
var Requests = map[string]Request{
	"NS_GET_USERNS":          {"NS_GET_USERNS", NS_GET_USERNS, KindHandle, nil, "the user namespace that owns the namespace"},
	"NS_GET_PARENT":          {"NS_GET_PARENT", NS_GET_PARENT, KindHandle, []Type{PID, User}, "the parent namespace"},
	"NS_GET_NSTYPE":          {"NS_GET_NSTYPE", NS_GET_NSTYPE, KindInt, nil, "the CLONE_NEW* flag of the namespace"},
	"NS_GET_OWNER_UID":       {"NS_GET_OWNER_UID", NS_GET_OWNER_UID, KindUID, []Type{User}, "the uid that created the user namespace"},
	"NS_GET_MNTNS_ID":        {"NS_GET_MNTNS_ID", NS_GET_MNTNS_ID, KindU64, []Type{Mnt}, "the 64-bit id of the mount namespace"},
	"NS_GET_ID":              {"NS_GET_ID", NS_GET_ID, KindU64, nil, "the 64-bit id of the namespace"},
	"NS_GET_PID_FROM_PIDNS":  {"NS_GET_PID_FROM_PIDNS", NS_GET_PID_FROM_PIDNS, KindPID, []Type{PID}, "the caller's pid of a pid seen in the namespace"},
	"NS_GET_TGID_FROM_PIDNS": {"NS_GET_TGID_FROM_PIDNS", NS_GET_TGID_FROM_PIDNS, KindPID, []Type{PID}, "the caller's tgid of a pid seen in the namespace"},
	"NS_GET_PID_IN_PIDNS":    {"NS_GET_PID_IN_PIDNS", NS_GET_PID_IN_PIDNS, KindPID, []Type{PID}, "the pid in the namespace of a caller's pid"},
	"NS_GET_TGID_IN_PIDNS":   {"NS_GET_TGID_IN_PIDNS", NS_GET_TGID_IN_PIDNS, KindPID, []Type{PID}, "the tgid in the namespace of a caller's pid"},
}

// RequestNames lists the request names, sorted.
func RequestNames() []string {
	out := make([]string, 0, len(Requests))
	for n := range Requests {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ioctlErr turns an ioctl failure into "NAME: cause", with ENOTTY made
// ErrNotSupported (still matching unix.ENOTTY).
func ioctlErr(name string, err error) error {
	if errors.Is(err, unix.ENOTTY) || errors.Is(err, unix.ENOSYS) {
		return fmt.Errorf("%s: %w", name, notSupported{err})
	}
	return fmt.Errorf("%s: %w", name, err)
}

// notSupported wraps an errno so that errors.Is sees both ErrNotSupported
// and the errno.
type notSupported struct{ errno error }

func (e notSupported) Error() string        { return ErrNotSupported.Error() }
func (e notSupported) Is(target error) bool { return target == ErrNotSupported }
func (e notSupported) Unwrap() error        { return e.errno }

// ioctlRet runs an ioctl_nsfs request. These never sleep, so they are made
// with RawSyscall, sparing the scheduler hand-off (see procScanner).
func ioctlRet(fd int, req uint, arg uintptr) (int, error) {
	r, _, errno := unix.RawSyscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), arg)
	if errno != 0 {
		return -1, errno
	}
	return int(r), nil
}

func ioctlU64(fd int, req uint) (uint64, error) {
	var v uint64
	_, err := ioctlRet(fd, req, uintptr(unsafe.Pointer(&v)))
	return v, err
}

func ioctlU32(fd int, req uint) (uint32, error) {
	var v uint32
	_, err := ioctlRet(fd, req, uintptr(unsafe.Pointer(&v)))
	return v, err
}
