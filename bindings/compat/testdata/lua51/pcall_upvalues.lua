-- gopher-lua #448: pcall must close exactly the upvalues of the frames it unwinds
local n = 0
local function try(f) if not pcall(f) then n = n + 1 end end
for i = 1, 3 do try(function() error("x") end) end
print(n)
local count = 0
local function bump() count = count + 1 end
for i = 1, 5 do
  pcall(function() bump(); error("e") end)
end
print(count)
local total = 0
local ok = pcall(function()
  pcall(error, "inner")
  total = total + 1
  error("outer")
end)
total = total + 10
print(ok, total)
local saved
pcall(function()
  local x = 1
  saved = function() return x end
  x = 2
  error("boom")
end)
local junk = {10, 20, 30}
print(saved())
local k = 0
xpcall(function() k = k + 1; error("z") end, function(m) k = k + 100; return m end)
print(k)
print(xpcall(function() error("z") end, function(m) return "handled: " .. m end))
print(pcall(error))
print(type(select(2, pcall(error, {}))))
print(select("#", pcall(error)))
print(pcall(function(...) return select("#", ...), ... end, 1, nil, 3))
