-- os and io details
print(os.execute("exit 3"), os.execute("true"), os.execute() ~= 0)
print(io.popen("exit 3"):close())
local p = io.popen("echo hi")
print(p:read("*l"), p:close())
print(package.path)
print(type(collectgarbage("count")), collectgarbage("count") > 0, collectgarbage())
print(collectgarbage("setpause", 100), collectgarbage("setpause", 200))
