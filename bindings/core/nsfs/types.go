package nsfs

import (
	"fmt"
	"strings"
)

// Type is a namespace type, named as /proc/PID/ns names it.
type Type string

// The eight namespace types.
const (
	Cgroup Type = "cgroup"
	IPC    Type = "ipc"
	Mnt    Type = "mnt"
	Net    Type = "net"
	PID    Type = "pid"
	Time   Type = "time"
	User   Type = "user"
	UTS    Type = "uts"
)

// Types lists every namespace type in alphabetical order.
var Types = []Type{Cgroup, IPC, Mnt, Net, PID, Time, User, UTS}

// The CLONE_NEW* flags of the Linux ABI (the same on every architecture),
// spelled out so this file builds on every GOOS.
var flags = map[Type]int{
	Cgroup: 0x02000000,
	IPC:    0x08000000,
	Mnt:    0x00020000,
	Net:    0x40000000,
	PID:    0x20000000,
	Time:   0x00000080,
	User:   0x10000000,
	UTS:    0x04000000,
}

// TypeNames is the valid type names joined for error messages.
var TypeNames = func() string {
	s := make([]string, len(Types))
	for i, t := range Types {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}()

// ParseType checks a type name.
func ParseType(name string) (Type, error) {
	t := Type(name)
	if _, ok := flags[t]; !ok {
		return "", fmt.Errorf("unknown namespace type %q: must be one of %s", name, TypeNames)
	}
	return t, nil
}

// Flag returns the CLONE_NEW* flag of the type.
func (t Type) Flag() int { return flags[t] }

// TypeOfFlag returns the type whose CLONE_NEW* flag is flag.
func TypeOfFlag(flag int) (Type, bool) {
	for t, f := range flags {
		if f == flag {
			return t, true
		}
	}
	return "", false
}

// Flags ORs the clone flags of types.
func Flags(types []Type) int {
	f := 0
	for _, t := range types {
		f |= t.Flag()
	}
	return f
}
