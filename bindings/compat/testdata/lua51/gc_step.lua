-- collectgarbage("step"): a cycle takes several small steps, one big one
local function dosteps(siz)
  collectgarbage()
  collectgarbage("stop")
  local a = {}
  for i = 1, 100 do a[i] = {{}}; local b = {} end
  local i = 0
  repeat i = i + 1 until collectgarbage("step", siz)
  return i
end
print(dosteps(0) > 10, dosteps(6) < dosteps(2), dosteps(10000))
print(collectgarbage("step", 1000000))
collectgarbage("restart")
