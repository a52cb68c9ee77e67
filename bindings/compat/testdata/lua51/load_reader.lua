-- load returns a reader's error instead of raising it
local f, msg = load(function () error("hhi") end)
print(f, string.find(msg, "hhi") ~= nil)
local t = {}
f, msg = load(function () error(t) end)
print(f, msg == t)
local n = 0
f = load(function () n = n + 1; return ({"return ", "4", "2"})[n] end)
print(f(), n)
