-- The part of the nsh module written in Lua. It runs with the module
-- table as its argument, after the Go functions are in place.
local nsh = ...

-- nsh.printf(fmt, ...) prints string.format(fmt, ...) followed by a newline.
function nsh.printf(fmt, ...)
  print(string.format(fmt, ...))
end

-- nsh.keys(t) returns the keys of t, sorted (numbers first, then strings).
function nsh.keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  table.sort(ks, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    if ta == "number" or ta == "string" then return a < b end
    return tostring(a) < tostring(b)
  end)
  return ks
end
