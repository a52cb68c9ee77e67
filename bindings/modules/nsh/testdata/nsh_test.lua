-- Lua-level tests of the nsh module and the shell's conventions. Each
-- test_* function runs as a Go subtest in a fresh runtime (see lua_test.go).

function test_version(t)
  assert(nsh.version:match("^%d+%.%d+%.%d+$"), nsh.version)
end

function test_repr_scalars_and_tables(t)
  assert(nsh.repr("a\n") == '"a\\n"')
  assert(nsh.repr(42) == "42")
  assert(nsh.repr(nil) == "nil")
  assert(nsh.repr({}) == "{}")
  assert(nsh.repr({1, "x", true}) == '{ 1, "x", true }')
  assert(nsh.repr({b = 2, a = 1, [3] = "c", ["not id"] = 0}) ==
    '{\n  [3] = "c",\n  a = 1,\n  b = 2,\n  ["not id"] = 0,\n}', nsh.repr({b = 2, a = 1, [3] = "c", ["not id"] = 0}))
end

function test_repr_is_cycle_safe(t)
  local a = {name = "a"}
  local b = {name = "b", peer = a}
  a.peer = b
  a.self = a
  local s = nsh.repr(a)
  assert(s:find("self = <cycle>", 1, true), s)
  assert(s:find('peer = {\n    name = "b",\n    peer = <cycle>,', 1, true), s)
end

function test_repr_uses_tostring_metamethod(t)
  local v = setmetatable({}, {__tostring = function() return "custom" end})
  assert(nsh.repr({v}) == "{ custom }", nsh.repr({v}))
end

function test_keys_sorted(t)
  local ks = nsh.keys({b = 1, a = 1, [2] = 1, [1] = 1})
  assert(table.concat(ks, ",") == "1,2,a,b", table.concat(ks, ","))
end

function test_modules_are_globals_and_required(t)
  for _, name in ipairs({"nsh", "ns"}) do
    assert(type(_G[name]) == "table", name)
    assert(require(name) == _G[name], name .. ": require returns another table")
  end
end

function test_help_of_unknown_name_is_an_error(t)
  local ok, err = pcall(help, "nope.nothing")
  assert(not ok and tostring(err):find("no help for nope.nothing", 1, true), tostring(err))
end

function test_harness_names_are_unique_and_prefixed(t)
  local a, b = t:name(), t:name()
  assert(a ~= b)
  assert(a:sub(1, #t:prefix()) == t:prefix())
  local dir = t:tempdir()
  assert(dir:find(t:prefix(), 1, true))
  local ran = false
  t:cleanup(function() ran = true end)
end

function test_package_loaded_has_every_module(t)
  for _, name in ipairs({"ns", "netns", "link", "addr", "route", "topo", "nsh", "net"}) do
    assert(type(package.loaded[name]) == "table", name .. " missing from package.loaded")
    assert(package.loaded[name] == _G[name], name)
  end
end

function test_misuse_names_the_function_fully(t)
  -- Called directly, through pcall, and as a method: the error names the
  -- function as the reference does.
  local _, e1 = pcall(function() ns.self("nett") end)
  assert(tostring(e1):find("ns.self: bad argument #1 (unknown namespace type \"nett\"", 1, true), tostring(e1))
  local _, e2 = pcall(ns.self, "nett")
  assert(tostring(e2):find("ns.self: bad argument #1", 1, true), tostring(e2))
  local _, e3 = pcall(nsh.help, true)
  assert(tostring(e3):find("nsh.help: bad argument #1", 1, true), tostring(e3))
end

function test_errors_passing_through_keep_their_name(t)
  -- An error raised by Lua code a binding called back is not renamed.
  local _, e = pcall(ns.list, function() return string.rep() end)
  assert(tostring(e):find("bad argument #1 to 'rep'", 1, true), tostring(e))
end

function test_error_levels_follow_the_lua_manual(t)
  -- error(msg, 2) names the caller's line; gopher-lua alone names the
  -- raising function's.
  local function raise(level) error("boom", level) end
  local function call(level)
    raise(level) -- line A: the caller of raise
  end
  local _, e1 = pcall(call, 1)
  local _, e2 = pcall(call, 2)
  local _, e0 = pcall(call, 0)
  local line_raise = debug.getinfo(raise, "S").linedefined
  assert(e1:find(":" .. line_raise .. ": boom", 1, true), e1)
  assert(e2:find(":" .. (line_raise + 2) .. ": boom", 1, true), e2)
  assert(e0 == "boom", e0)
end

function test_enter_runs_in_the_target(t)
  local p = ns.spawn{"sleep", "60", new = {"uts"}, hostname = "entered"}
  t:cleanup(function() p:kill("KILL") p:wait() end)
  local code, signal = ns.enter(p.pid, "sh", "-c", "[ \"$(hostname)\" = entered ] && exit 7")
  assert(code == 7 and signal == nil, tostring(code))
  local _, e = pcall(ns.enter, p.pid, "true", 5)
  assert(tostring(e):find("ns.enter: bad argument #3 (string expected, got number)", 1, true), tostring(e))
end

function test_math_huge_is_infinity(t)
  assert(math.huge > 1e308 and math.huge == math.huge * 2 and -math.huge < -1e308)
end

function test_json_encode_records_lists_handles(t)
  local enc = nsh.json.encode
  assert(enc({name = "lab", ids = {1, 2, 3}}) == '{"ids":[1,2,3],"name":"lab"}', enc({name = "lab", ids = {1, 2, 3}}))
  assert(enc({}) == "[]")
  assert(enc("a\n\"b\"<") == '"a\\n\\"b\\"<"', enc("a\n\"b\"<"))
  assert(enc(nil) == "null" and enc(true) == "true" and enc(0.5) == "0.5" and enc(4026531840) == "4026531840")
  assert(enc({[1] = "a", [3] = "c"}) == '{"1":"a","3":"c"}', enc({[1] = "a", [3] = "c"}))
  local h = ns.self("net")
  assert(enc({h}) == '["' .. tostring(h) .. '"]', enc({h}))
  assert(tostring(h):match("^net:%[%d+%]$"))
  h:close()
  -- an error value encodes as its fields
  local ok, e = pcall(ns.open, "/nonexistent")
  assert(not ok)
  local back = nsh.json.decode(enc(e))
  assert(back.op == "ns.open" and back.errno == "ENOENT" and back.message == tostring(e), enc(e))
end

function test_json_refuses_what_has_no_json_form(t)
  local cyc = {}
  cyc.me = cyc
  for _, c in ipairs({
    {cyc, "value.me: the table contains itself"},
    {{f = print}, "value.f: a function has no JSON form"},
    {{0 / 0}, "has no JSON form"},
    {{[true] = 1}, "a boolean key has no JSON form"},
  }) do
    local ok, err = pcall(nsh.json.encode, c[1])
    if ok or not tostring(err):find(c[2], 1, true) then t:fatal(tostring(err)) end
    if err.op ~= "nsh.json.encode" or err.arg ~= 1 then t:fatal("not the error value: " .. tostring(err)) end
  end
end

function test_json_decode_round_trip(t)
  local text = '{"a": [1, 2.5, "x", true, null, {"b": {}}], "empty": "", "big": 4026531840}'
  local v = nsh.json.decode(text)
  assert(v.a[1] == 1 and v.a[2] == 2.5 and v.a[3] == "x" and v.a[4] == true and v.a[5] == nil)
  assert(type(v.a[6].b) == "table" and v.empty == "" and v.big == 4026531840)
  local again = nsh.json.decode(nsh.json.encode(v))
  assert(nsh.json.encode(again) == nsh.json.encode(v))
  -- the real thing: ns.list as JSON and back
  local list = ns.list("net")
  local back = nsh.json.decode(nsh.json.encode(list))
  assert(#back == #list and back[1].inode == list[1].inode and back[1].type == "net")
end

function test_json_decode_errors_name_the_position(t)
  for _, c in ipairs({
    {'{"a": 1,\n  "b": x}', "line 2, column 8"},
    {"[1, 2", "at the end of the input"},
    {"[1] 2", "line 1, column 5"},
    {"", "the text is empty"},
    {"[1e999]", "out of range"},
  }) do
    local ok, err = pcall(nsh.json.decode, c[1])
    if ok or not tostring(err):find(c[2], 1, true) then t:fatal(c[1] .. ": " .. tostring(err)) end
    if not tostring(err):find("nsh.json.decode: bad argument #1 (invalid JSON", 1, true) then t:fatal(tostring(err)) end
  end
  local ok, err = pcall(nsh.json.decode, {})
  assert(not ok and tostring(err):find("string expected", 1, true), tostring(err))
end

function test_table_refuses_bad_input(t)
  for _, c in ipairs({
    {{{1}, {2}}, nil, nil},
    {{1, 2}, nil, "records[1]: table expected, got number"},
    {{{a = 1}}, "a", "list of columns expected, got string"},
    {{{a = 1}}, {{1}}, "columns[1]: a field name or {field, heading} expected"},
    {{{a = 1}}, {}, "no columns given"},
  }) do
    local ok, err = pcall(nsh.table, c[1], c[2])
    if c[3] == nil then
      if not ok then t:fatal(tostring(err)) end
    elseif ok or not tostring(err):find(c[3], 1, true) then
      t:fatal(tostring(err))
    end
  end
end
