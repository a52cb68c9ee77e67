package netns

import "fmt"

// Error is a failed operation on a named network namespace. Err is the
// cause and wraps the errno, so errors.Is(err, unix.EEXIST) holds.
type Error struct {
	Op   string // the operation: "add", "del", "set_id", …
	Name string // the namespace name
	Err  error  // the cause, e.g. "file exists" or "bind mount: …"
}

// Error renders "netns add: NAME: cause".
func (e *Error) Error() string {
	return fmt.Sprintf("netns %s: %s: %v", e.Op, e.Name, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func fail(op, name string, err error) error {
	return &Error{Op: op, Name: name, Err: err}
}

// step wraps a syscall failure with the step that failed, keeping the errno.
func step(what string, err error) error {
	return fmt.Errorf("%s: %w", what, err)
}
