-- io.popen as lua5.1 gives it with popen(3) and pclose
io.stdout:setvbuf("no") -- lua5.1: print and the children's output in order
local name = os.tmpname()
local w = io.popen("cat >" .. name, "w")
print(w:write("hello", 1, " ", 2.5))
print(w:close()) -- closes the pipe, waits for cat
local f = io.open(name)
print(f:read("*a"))
f:close()
os.remove(name)
print(io.popen("exit 3"):close(), io.popen("true"):close())
print(io.popen("exit 3", "w"):close())
local r = io.popen("echo 12 0x10 4.5e1 x; echo second; printf last")
print(r:read("*n", "*n", "*n", "*n"))
print(r:read("*l"))
print(r:read("*l"))
print(r:read("*a"))
print(r:read("*a"), r:read("*l"), r:read(0), r:read(1))
print(r:close(), io.type(r), tostring(r))
print(pcall(function() return r:read() end))
for l in io.popen("printf 'a\\n\\nb'"):lines() do io.write("[", l, "]") end
print()
print(io.popen("echo out", "w"):close()) -- the child writes to our stdout
print(io.popen("echo ok"):read("*a"))
print(io.popen("true", "x"))
print(io.popen("true", "r"):write("x"))
print(io.popen("cat >/dev/null", "w"):read("*l"))
print(io.type(io.popen("true")))
