-- Values a resume passes to a yield, as lua5.1 delivers them: fewer than
-- the yield's call wants leave nils (gopher-lua left Go nils, and any use
-- of them crashed), and a body that yields by a tail call returns what the
-- next resume passes.
local co = coroutine.create(function()
  local a, b, c = coroutine.yield()
  print("got", a, b, c, type(b))
  local f = coroutine.yield()
  print(pcall(function() return f() end))
  return "done"
end)
print(coroutine.resume(co))
print(coroutine.resume(co, 1))
print(coroutine.resume(co))
print(coroutine.status(co))

local tail = coroutine.create(function(x) return coroutine.yield(x) end)
print(coroutine.resume(tail, "first"))
print(coroutine.resume(tail, "a", "b"))
print(coroutine.status(tail), coroutine.resume(tail))

local gen = coroutine.wrap(function(n)
  for i = 1, n do coroutine.yield(i) end
  return coroutine.yield("last")
end)
print(gen(2), gen(), gen(), gen("back"))

local empty = coroutine.wrap(function() return coroutine.yield() end)
empty()
print(select("#", empty()))

-- error levels inside a body
print(coroutine.resume(coroutine.create(function() return error("boom", 2) end)))
print(coroutine.resume(coroutine.create(function() error("far", 3) end)))
local function deep() error("deep", 2) end
print(coroutine.resume(coroutine.create(function() deep() return coroutine.yield() end)))
