-- The part of the ns module written in Lua. It runs with the module table
-- as its argument, after the Go functions are in place.
local ns = ...

-- ns.enter(target, cmd, ...) runs a command in the namespaces of target
-- (a pid, a handle, a list of handles or a {type = handle} table) with the
-- shell's terminal, waits for it and returns its exit code and signal: what
-- `nsenter -t PID -a CMD` does.
function ns.enter(target, cmd, ...)
  if target == nil then
    error("bad argument #1 to 'ns.enter' (pid or namespace handle expected, got nil)", 2)
  end
  local argv = {cmd, ...}
  for i = 1, select("#", ...) + 1 do
    if type(argv[i]) ~= "string" then
      error(("bad argument #%d to 'ns.enter' (string expected, got %s)"):format(i + 1, type(argv[i])), 2)
    end
  end
  argv.join, argv.stdout, argv.stderr = target, "inherit", "inherit"
  local r = ns.run(argv)
  return r.code, r.signal
end
