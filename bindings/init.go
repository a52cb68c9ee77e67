package bindings

// Init must be the first call in main() of any program that embeds nsh:
// child processes nsh starts are the same binary re-executed with a marker,
// and Init runs the child's work and exits when the process is such a child.
// In the parent it returns at once.
func Init() {}
