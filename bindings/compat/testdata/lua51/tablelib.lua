-- table.concat without the value stack, table.foreach
local a = {}
for i = 1, 2 ^ 20 + 5 do a[i] = 1 end
print(#table.concat(a, ","))
print(table.concat({1, 2.5, "x", 0.1 + 0.2}, ","), table.concat({}, "x"), table.concat({1, 2, 3}, "-", 2, 3))
print(pcall(table.concat, {1, {}, 3}))
print(table.foreach({x = 90}, function(k, v) if k == "x" then return v end end))
print(table.foreach({}, error))
print(table.foreachi({5, 6, 7}, function(i, v) if v == 6 then return i end end))
