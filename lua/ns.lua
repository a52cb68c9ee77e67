-- The part of the ns module written in Lua. It runs with the module table
-- as its argument, after the Go functions are in place.
local ns, internal = ...

-- ns.enter(target, cmd, ...) runs a command in the namespaces of target
-- (a pid, a handle, a list of handles or a {type = handle} table) with the
-- shell's terminal, waits for it and returns its status in the form os.exit
-- takes (the exit code, 128+N for signal N) and the signal: what
-- `nsenter -t PID -a CMD` does, so os.exit(ns.enter(...)) exits as it did.
function ns.enter(target, cmd, ...)
  if target == nil then
    internal.argerror("ns.enter", 1, "a namespace (pid, handle, {type = handle} table, netns name or path) expected, got nil")
  end
  local argv = {cmd, ...}
  for i = 1, select("#", ...) + 1 do
    if type(argv[i]) ~= "string" then
      internal.argerror("ns.enter", i + 1, "string expected, got " .. type(argv[i]))
    end
  end
  argv.join = target
  local r = ns.run(argv)
  return r.code, r.signal
end
