-- unpack and table.concat reach integer keys in the hash part
print(unpack({[2^31-1] = 20}, 2^31-2, 2^31-1))
print(pcall(unpack, {}, 2^31-1, 0))
print(table.concat({[2^30] = "a", [2^30+1] = "b"}, ",", 2^30, 2^30+1))
-- table.maxn counts every positive numeric key
print(table.maxn{}, table.maxn{["1000"] = true}, table.maxn{["1000"] = true, [24.5] = 3})
print(table.maxn{[1000] = true}, table.maxn{[10] = true, [100*math.pi] = print} == 100*math.pi, table.maxn{1, 2, [-5] = 1})
-- gcinfo: whole KiB in use
local g = gcinfo()
print(type(g), g == math.floor(g), g > 0)
-- loadlib answers with nil, a message and where it failed
local f, msg, where = package.loadlib("libs/none.so", "luaopen_none")
print(f, type(msg), where == "open" or where == "absent")
