-- debug.getinfo's "L": the lines of a Lua function that have code
local function test (s, l, p)
  local a = 1
  if a then
    a = 2
  end
  return a
end
local function lines(info)
  local t = {}
  for k in pairs(info.activelines) do t[#t + 1] = k end
  table.sort(t)
  return table.concat(t, " ")
end
local b = debug.getinfo(test, "SfL")
print(b.linedefined, b.lastlinedefined, b.func == test, lines(b))
print(b.activelines[b.linedefined], b.activelines[b.lastlinedefined + 1])
b = debug.getinfo(test, "L")
print(lines(b), b.func)
print(debug.getinfo(print, "L").activelines)
local function here() return debug.getinfo(1, "L") end
print(lines(here()))
