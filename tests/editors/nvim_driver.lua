-- Headless Neovim driver for the azureml-migrate language server (Neovim 0.7 .. 0.11).
--
-- Run through nvim_lsp.py, which sets:
--   AZDRV_CMD          JSON array: the server command line
--   AZDRV_SCENARIOS    JSON array of {name, file}; name is one of
--                        "quickfix"  diagnostics, hover, the AML101 quick fix
--                        "migrate"   the source.migrate.azureml-migrate code action
--                        "command"   workspace/executeCommand azureml-migrate.migrateFile
--   AZDRV_OUT          where the JSON report goes
--   AZDRV_TIMEOUT_MS   per-step timeout (default 10000)
--
-- Every wait is bounded (vim.wait), every failure ends in a report, and the editor quits
-- with status 0 (all scenarios ran) or 1.  The Python side asserts on the report.

for _, p in ipairs({ 'python3', 'python', 'ruby', 'perl', 'node' }) do
  vim.g['loaded_' .. p .. '_provider'] = 0 -- ftplugin/python.vim would probe python3 (~1 s)
end
vim.o.hidden = true -- 0.7 default is off: :edit another file from a modified buffer

local env = vim.env
local TIMEOUT = tonumber(env.AZDRV_TIMEOUT_MS or '10000')
local json_encode = vim.json and vim.json.encode or vim.fn.json_encode
local json_decode = vim.json and vim.json.decode or vim.fn.json_decode
local V = vim.version()
local report = {
  nvim_version = string.format('%d.%d.%d', V.major, V.minor, V.patch),
  steps = {}, scenarios = {}, messages = {},
}
local t0 = vim.loop.hrtime()
local function ms() return math.floor((vim.loop.hrtime() - t0) / 1e6) end
local function step(name) table.insert(report.steps, { name = name, t_ms = ms() }) end

-- vim.notify / print in headless mode go to stderr: keep them in the report instead
vim.notify = function(msg, level) table.insert(report.messages, { msg = tostring(msg), level = level }) end

local function stop_clients()
  local clients = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  for _, c in pairs(clients) do
    if vim.fn.has('nvim-0.11') == 1 then c:stop() else c.stop() end
  end
  vim.wait(2000, function()
    local left = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
    return next(left) == nil
  end, 20)
end

local function finish(ok, err)
  report.ok = ok
  report.error = err
  report.total_ms = ms()
  local f = io.open(env.AZDRV_OUT, 'w')
  if f then f:write(json_encode(report)) f:close() end
  pcall(stop_clients)
  vim.cmd(ok and 'qa!' or 'cquit! 1')
end

-- buf_request_sync: 0.7 returns {[id] = {error=, result=}}, 0.8+ {[id] = {err=, result=}}
local function request(bufnr, method, params)
  local results, err = vim.lsp.buf_request_sync(bufnr, method, params, TIMEOUT)
  if not results then error(method .. ': no response within ' .. TIMEOUT .. ' ms (' .. tostring(err) .. ')') end
  for _, r in pairs(results) do
    local e = r.err or r.error
    if e then error(method .. ' failed: ' .. vim.inspect(e)) end
    return r.result
  end
  return nil
end

local function wait_for(what, pred, timeout)
  if not vim.wait(timeout or TIMEOUT, pred, 20) then
    error('timed out after ' .. (timeout or TIMEOUT) .. ' ms waiting for ' .. what)
  end
end

-- The LSP diagnostic for a code-action context.  vim.diagnostic keeps position, message,
-- severity, source and code; user_data.lsp holds the rest (0.7: only the extra fields
-- such as tags, codeDescription and data; 0.11: the whole diagnostic).  Merge both.
local function lsp_diag(d)
  local l = vim.deepcopy(d.user_data and d.user_data.lsp or {})
  l.range = l.range or { start = { line = d.lnum, character = d.col },
                         ['end'] = { line = d.end_lnum or d.lnum, character = d.end_col or d.col } }
  l.message = l.message or d.message
  l.severity = l.severity or d.severity
  l.source = l.source or d.source
  l.code = l.code or d.code
  return l
end

local function diags(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local l = lsp_diag(d)
    table.insert(out, {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      code = l.code or d.code, source = l.source or d.source, severity = l.severity or d.severity,
      tags = l.tags or vim.NIL, message = d.message, lsp = l,
    })
  end
  table.sort(out, function(a, b) return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col) end)
  return out
end

local function buf_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') .. '\n'
end

local function buf_version(bufnr)
  local v = vim.lsp.util.buf_versions and vim.lsp.util.buf_versions[bufnr]
  return v or vim.api.nvim_buf_get_changedtick(bufnr)
end

local client_id, client
local cmd = json_decode(env.AZDRV_CMD)
-- AZDRV_SETUP_LUA: a user configuration to load (the README's), which starts the server by
-- itself (vim.lsp.config + vim.lsp.enable); the driver then only waits for it to attach.
local setup_lua = env.AZDRV_SETUP_LUA
if setup_lua and setup_lua ~= '' then dofile(setup_lua) end

-- Open FILE in a fresh buffer and attach the (single) client to it.
local function open(file)
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'python'
  if client_id == nil then
    local root = vim.fn.fnamemodify(file, ':h')
    local config = { name = 'azureml-migrate', cmd = cmd, root_dir = root,
                     workspace_folders = { { uri = vim.uri_from_fname(root), name = 'root' } } }
    if setup_lua and setup_lua ~= '' then
      wait_for('attach', function()
        local attached = vim.lsp.get_clients({ bufnr = bufnr })
        if #attached > 0 then client_id = attached[1].id end
        return client_id ~= nil
      end)
    elseif vim.lsp.start then -- 0.8+
      client_id = vim.lsp.start(config, { bufnr = bufnr })
    else -- 0.7
      client_id = vim.lsp.start_client(config)
      if client_id then vim.lsp.buf_attach_client(bufnr, client_id) end
    end
    if not client_id then error('failed to start the language server: ' .. table.concat(cmd, ' ')) end
    wait_for('initialize', function()
      client = vim.lsp.get_client_by_id(client_id)
      return client ~= nil and client.initialized == true
    end)
    local caps = client.config and client.config.capabilities or vim.lsp.protocol.make_client_capabilities()
    local ca = caps.textDocument and caps.textDocument.codeAction or {}
    report.client = {
      offset_encoding = client.offset_encoding,
      pull_diagnostics = (caps.textDocument and caps.textDocument.diagnostic) ~= nil,
      resolve_properties = ca.resolveSupport and ca.resolveSupport.properties or {},
      document_changes = caps.workspace and caps.workspace.workspaceEdit
        and caps.workspace.workspaceEdit.documentChanges or false,
    }
    step('initialized')
  else
    vim.lsp.buf_attach_client(bufnr, client_id)
  end
  return bufnr
end

local function wait_diagnostics(bufnr, what)
  wait_for(what, function() return #vim.diagnostic.get(bufnr) > 0 end)
  -- the first publish/pull may race the rest: give the set a moment to settle
  vim.wait(50)
  return diags(bufnr)
end

local function wait_clean(bufnr, sc)
  local ok = vim.wait(TIMEOUT, function() return #vim.diagnostic.get(bufnr) == 0 end, 20)
  sc.diagnostics_after = diags(bufnr)
  sc.diagnostics_after_settled = ok
end

local function summarize(actions)
  local out = {}
  for _, a in ipairs(actions or {}) do
    table.insert(out, { title = a.title, kind = a.kind or vim.NIL, isPreferred = a.isPreferred or false,
                        has_edit = a.edit ~= nil, has_command = a.command ~= nil,
                        disabled = a.disabled or vim.NIL })
  end
  return out
end

-- resolve (when the action came without its edit) and apply one code action
local function apply_action(bufnr, action, sc)
  sc.resolved = false
  if action.edit == nil and action.command == nil then
    action = request(bufnr, 'codeAction/resolve', action)
    sc.resolved = true
  end
  if action.disabled then error('action disabled: ' .. vim.inspect(action.disabled)) end
  if action.edit == nil then error('action has no edit after resolve: ' .. vim.inspect(action)) end
  sc.edit_shape = action.edit.documentChanges and 'documentChanges' or 'changes'
  if action.edit.documentChanges then
    local td = action.edit.documentChanges[1].textDocument
    sc.edit_version, sc.buffer_version = td.version, buf_version(bufnr)
  end
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or 'utf-16')
  if action.command then
    local c = type(action.command) == 'table' and action.command or action
    request(bufnr, 'workspace/executeCommand', { command = c.command, arguments = c.arguments })
  end
  sc.applied = action.title
end

local function code_actions(bufnr, range, diagnostics, only)
  return request(bufnr, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = range,
    context = { diagnostics = diagnostics, only = only },
  }) or {}
end

local scenarios = {}

function scenarios.quickfix(sc, bufnr)
  sc.diagnostics = wait_diagnostics(bufnr, 'diagnostics')
  step('quickfix: diagnostics')
  local target
  for _, d in ipairs(sc.diagnostics) do
    if d.code == 'AML101' then target = d break end
  end
  if not target then error('no AML101 diagnostic; got ' .. vim.inspect(vim.tbl_map(function(d) return d.code end, sc.diagnostics))) end

  -- hover on `Workspace.from_config`, at the diagnostic's start
  local h = request(bufnr, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = target.lnum, character = target.col },
  })
  if h and h.contents then
    local c = h.contents
    sc.hover = type(c) == 'string' and c or c.value or json_encode(c)
  end
  step('quickfix: hover')

  -- all code actions at the diagnostic (no `only`: quick fixes and source actions)
  local actions = code_actions(bufnr, target.lsp.range, { target.lsp }, nil)
  sc.code_actions = summarize(actions)
  step('quickfix: code actions')
  local chosen
  for _, a in ipairs(actions) do
    if a.kind == 'quickfix' and a.title:find('Migrate `Workspace.from_config`', 1, true) then chosen = a break end
  end
  if not chosen then error('no "Migrate `Workspace.from_config`" quick fix offered') end
  sc.before_text = buf_text(bufnr)
  apply_action(bufnr, chosen, sc)
  sc.after_text = buf_text(bufnr)
  step('quickfix: applied')
  wait_clean(bufnr, sc)
  step('quickfix: diagnostics after')
end

function scenarios.migrate(sc, bufnr)
  sc.diagnostics = wait_diagnostics(bufnr, 'diagnostics')
  local start = { line = 0, character = 0 }
  local actions = code_actions(bufnr, { start = start, ['end'] = start }, {}, { 'source.migrate.azureml-migrate' })
  sc.code_actions = summarize(actions)
  local chosen = actions[1]
  if not chosen then error('no source.migrate.azureml-migrate action offered') end
  sc.before_text = buf_text(bufnr)
  apply_action(bufnr, chosen, sc)
  sc.after_text = buf_text(bufnr)
  step('migrate: applied')
  wait_clean(bufnr, sc)
  step('migrate: diagnostics after')
end

function scenarios.command(sc, bufnr)
  sc.diagnostics = wait_diagnostics(bufnr, 'diagnostics')
  sc.before_text = buf_text(bufnr)
  local args = { { uri = vim.uri_from_bufnr(bufnr), version = buf_version(bufnr) } }
  sc.command_arguments = args
  -- the server answers only after the client applied its workspace/applyEdit, which
  -- Neovim's default handler does while buf_request_sync waits
  sc.command_result = request(bufnr, 'workspace/executeCommand',
    { command = 'azureml-migrate.migrateFile', arguments = args }) or vim.NIL
  sc.after_text = buf_text(bufnr)
  step('command: applied')
  wait_clean(bufnr, sc)
  step('command: diagnostics after')
end

local function main()
  for _, s in ipairs(json_decode(env.AZDRV_SCENARIOS)) do
    local sc = { name = s.name, file = s.file }
    table.insert(report.scenarios, sc)
    local fn = scenarios[s.name]
    if not fn then error('unknown scenario ' .. s.name) end
    local bufnr = open(s.file)
    fn(sc, bufnr)
    vim.cmd('write')
    sc.saved = true
  end
  finish(true, nil)
end

local ok, err = xpcall(main, debug.traceback)
if not ok then finish(false, tostring(err)) end
