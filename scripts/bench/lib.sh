# Shared by the benchmark scripts: source it after cd to the repository.

# nsh_binary DIR prints the nsh binary to measure: $NSH when set, else one
# built from this tree into DIR.
nsh_binary() {
  if [ -n "${NSH:-}" ]; then
    echo "$NSH"
    return
  fi
  go build -o "$1/nsh" . && echo "$1/nsh"
}
