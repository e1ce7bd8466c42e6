import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { probeImport } from '../src/probe';
import {
    effectiveValue,
    expandVariables,
    InspectedSetting,
    missingServerMessage,
    normalizeArgv,
    ProbeResult,
    resolveServerCommand,
    ResolveInput,
    StringOrArray,
    toArgv,
} from '../src/serverCommand';
import { toServerSettings } from '../src/settings';
import { which } from '../src/which';

/** Builds a ResolveInput with recording fakes; `importable` lists interpreters (argv[0]) that have azureml_migrate. */
function fakes(opts: {
    trusted?: boolean;
    path?: InspectedSetting<StringOrArray> | StringOrArray;
    interpreter?: InspectedSetting<StringOrArray> | StringOrArray;
    active?: readonly string[] | undefined | Error;
    pythonExtension?: boolean;
    importable?: string[];
    onPath?: string;
}) {
    const calls = { probe: [] as { argv: readonly string[]; cwd: string | undefined }[], which: [] as string[], active: 0 };
    const input: ResolveInput = {
        trusted: opts.trusted ?? true,
        path: opts.path,
        interpreter: opts.interpreter,
        activeInterpreter:
            opts.pythonExtension === false
                ? undefined
                : async () => {
                      calls.active++;
                      if (opts.active instanceof Error) {
                          throw opts.active;
                      }
                      return opts.active;
                  },
        probe: async (argv, cwd): Promise<ProbeResult> => {
            calls.probe.push({ argv, cwd });
            return (opts.importable ?? []).includes(argv[0])
                ? { ok: true }
                : { ok: false, detail: "ModuleNotFoundError: No module named 'azureml_migrate'" };
        },
        which: async (name) => {
            calls.which.push(name);
            return opts.onPath;
        },
        context: { workspaceFolder: '/ws', home: '/home/u', env: { VENV: '/venvs/a' }, neutralCwd: '/tmp' },
    };
    return { input, calls };
}

describe('resolveServerCommand: resolution order', () => {
    it('1. uses azuremlMigrate.path (string) and appends lsp, without probing', async () => {
        const { input, calls } = fakes({
            path: { globalValue: '/opt/bin/azureml-migrate' },
            interpreter: { globalValue: '/usr/bin/python3' },
            importable: ['/usr/bin/python3'],
            onPath: '/usr/local/bin/azureml-migrate',
        });
        const res = await resolveServerCommand(input);
        assert.ok(res.found);
        assert.deepEqual(res.server, { command: '/opt/bin/azureml-migrate', args: ['lsp'], cwd: undefined, source: 'pathSetting' });
        assert.equal(calls.probe.length, 0);
        assert.equal(calls.which.length, 0);
        assert.equal(calls.active, 0);
    });

    it('1. azuremlMigrate.path as an array is an argv prefix', async () => {
        const { input } = fakes({ path: { globalValue: ['/opt/bin/azureml-migrate', '--log-level', 'debug'] } });
        const res = await resolveServerCommand(input);
        assert.ok(res.found);
        assert.equal(res.server.command, '/opt/bin/azureml-migrate');
        assert.deepEqual(res.server.args, ['--log-level', 'debug', 'lsp']);
    });

    it('2. uses azuremlMigrate.interpreter when azureml_migrate imports there', async () => {
        const { input, calls } = fakes({
            interpreter: { globalValue: '/usr/bin/python3' },
            importable: ['/usr/bin/python3'],
            active: ['/ext/python'],
            onPath: '/usr/local/bin/azureml-migrate',
        });
        const res = await resolveServerCommand(input);
        assert.ok(res.found);
        assert.deepEqual(res.server, {
            command: '/usr/bin/python3',
            args: ['-m', 'azureml_migrate', 'lsp'],
            cwd: undefined,
            source: 'interpreterSetting',
        });
        assert.deepEqual(calls.probe, [{ argv: ['/usr/bin/python3'], cwd: undefined }]);
        assert.equal(calls.active, 0, 'the Python extension is not asked when the setting is set');
        assert.equal(calls.which.length, 0);
    });

    it('2. azuremlMigrate.interpreter as an array keeps its extra arguments', async () => {
        const { input, calls } = fakes({ interpreter: { globalValue: ['py', '-3.11'] }, importable: ['py'] });
        const res = await resolveServerCommand(input);
        assert.ok(res.found);
        assert.equal(res.server.command, 'py');
        assert.deepEqual(res.server.args, ['-3.11', '-m', 'azureml_migrate', 'lsp']);
        assert.deepEqual(calls.probe[0].argv, ['py', '-3.11']);
    });

    it("2. falls back to the Python extension's interpreter when the setting is unset", async () => {
        const { input, calls } = fakes({ active: ['/ws/.venv/bin/python'], importable: ['/ws/.venv/bin/python'] });
        const res = await resolveServerCommand(input);
        assert.ok(res.found);
        assert.equal(res.server.source, 'pythonExtension');
        assert.equal(res.server.command, '/ws/.venv/bin/python');
        assert.deepEqual(res.server.args, ['-m', 'azureml_migrate', 'lsp']);
        assert.equal(calls.active, 1);
    });

    it("2. a multi-element execCommand from the Python extension is an argv prefix", async () => {
        const { input } = fakes({ active: ['conda', 'run', '-n', 'aml', 'python'], importable: ['conda'] });
        const res = await resolveServerCommand(input);
        assert.ok(res.found);
        assert.equal(res.server.command, 'conda');
        assert.deepEqual(res.server.args, ['run', '-n', 'aml', 'python', '-m', 'azureml_migrate', 'lsp']);
    });

    it('3. interpreter setting without azureml_migrate -> PATH (the Python extension is not consulted)', async () => {
        const { input, calls } = fakes({
            interpreter: { globalValue: '/usr/bin/python3' },
            active: ['/ext/python'],
            importable: ['/ext/python'],
            onPath: '/usr/local/bin/azureml-migrate',
        });
        const res = await resolveServerCommand(input);
        assert.ok(res.found);
        assert.deepEqual(res.server, { command: '/usr/local/bin/azureml-migrate', args: ['lsp'], cwd: undefined, source: 'PATH' });
        assert.equal(calls.active, 0);
        assert.deepEqual(calls.which, ['azureml-migrate']);
        assert.ok(res.log.some((l) => l.includes("cannot import azureml_migrate: ModuleNotFoundError")));
    });

    it("3. Python extension interpreter without azureml_migrate -> PATH", async () => {
        const { input } = fakes({ active: ['/ext/python'], onPath: '/usr/local/bin/azureml-migrate' });
        const res = await resolveServerCommand(input);
        assert.ok(res.found);
        assert.equal(res.server.source, 'PATH');
    });

    it('3. no Python extension and no interpreter setting -> PATH, without probing', async () => {
        const { input, calls } = fakes({ pythonExtension: false, onPath: '/usr/local/bin/azureml-migrate' });
        const res = await resolveServerCommand(input);
        assert.ok(res.found);
        assert.equal(res.server.source, 'PATH');
        assert.equal(calls.probe.length, 0);
    });

    it('3. a failing Python extension API or probe is logged, not thrown', async () => {
        const { input } = fakes({ active: new Error('extension host busy'), onPath: '/bin/azureml-migrate' });
        const res = await resolveServerCommand(input);
        assert.ok(res.found);
        assert.equal(res.server.source, 'PATH');
        assert.ok(res.log.some((l) => l.includes('extension host busy')));

        const f = fakes({ interpreter: { globalValue: 'python3' }, onPath: '/bin/azureml-migrate' });
        f.input.probe = async () => {
            throw new Error('spawn EACCES');
        };
        const res2 = await resolveServerCommand(f.input);
        assert.ok(res2.found);
        assert.equal(res2.server.source, 'PATH');
        assert.ok(res2.log.some((l) => l.includes('spawn EACCES')));
    });

    it('4. nothing found: result names the probed interpreter and the message explains how to install', async () => {
        const { input } = fakes({ interpreter: { globalValue: '/usr/bin/python3' } });
        const res = await resolveServerCommand(input);
        assert.equal(res.found, false);
        assert.ok(!res.found);
        assert.deepEqual(res.interpreter, ['/usr/bin/python3']);
        assert.equal(res.interpreterSource, 'interpreterSetting');
        assert.ok(res.log.some((l) => l.includes('not found on PATH')));
        const msg = missingServerMessage(res, true);
        assert.match(msg, /\/usr\/bin\/python3 -m pip install azureml-migrate/);
        assert.match(msg, /azuremlMigrate\.path/);
        assert.doesNotMatch(msg, /untrusted/);
    });

    it('4. nothing found and no interpreter at all: generic pip advice', async () => {
        const { input } = fakes({ pythonExtension: false });
        const res = await resolveServerCommand(input);
        assert.ok(!res.found);
        assert.equal(res.interpreter, undefined);
        const msg = missingServerMessage(res, false);
        assert.match(msg, /pip install azureml-migrate/);
        assert.match(msg, /azuremlMigrate\.path/);
        assert.match(msg, /untrusted/);
        assert.equal(missingServerMessage({ found: true, server: { command: 'x', args: [], source: 'PATH' }, log: [] }, true), '');
    });

    it('4. a throwing PATH lookup counts as not found', async () => {
        const { input } = fakes({ pythonExtension: false });
        input.which = async () => {
            throw new Error('EACCES');
        };
        const res = await resolveServerCommand(input);
        assert.equal(res.found, false);
    });
});

describe('resolveServerCommand: workspace trust', () => {
    it('trusted: workspace folder > workspace > user value', async () => {
        const all = { globalValue: '/user/aml', workspaceValue: '/ws/aml', workspaceFolderValue: '/folder/aml' };
        let res = await resolveServerCommand(fakes({ path: all }).input);
        assert.ok(res.found);
        assert.equal(res.server.command, '/folder/aml');
        res = await resolveServerCommand(fakes({ path: { globalValue: '/user/aml', workspaceValue: '/ws/aml' } }).input);
        assert.ok(res.found);
        assert.equal(res.server.command, '/ws/aml');
    });

    it('untrusted: workspace values of path/interpreter are ignored, user values are used', async () => {
        const { input, calls } = fakes({
            trusted: false,
            path: { workspaceValue: '/ws/evil', workspaceFolderValue: '/ws/evil2' },
            interpreter: { globalValue: '/usr/bin/python3', workspaceValue: '/ws/.venv/bin/python' },
            importable: ['/usr/bin/python3', '/ws/.venv/bin/python'],
        });
        const res = await resolveServerCommand(input);
        assert.ok(res.found);
        assert.equal(res.server.command, '/usr/bin/python3');
        assert.equal(res.server.source, 'interpreterSetting');
        assert.equal(res.server.cwd, '/tmp', 'runs outside the untrusted workspace');
        assert.deepEqual(calls.probe, [{ argv: ['/usr/bin/python3'], cwd: '/tmp' }]);
        assert.ok(res.log.some((l) => l.includes('ignoring the workspace value of azuremlMigrate.path')));
        assert.ok(res.log.some((l) => l.includes('ignoring the workspace value of azuremlMigrate.interpreter')));
    });

    it('untrusted: user-level path is still honoured', async () => {
        const { input } = fakes({ trusted: false, path: { globalValue: '~/bin/azureml-migrate', workspaceValue: '/ws/evil' } });
        const res = await resolveServerCommand(input);
        assert.ok(res.found);
        assert.deepEqual(res.server, { command: '/home/u/bin/azureml-migrate', args: ['lsp'], cwd: '/tmp', source: 'pathSetting' });
    });

    it("untrusted: only workspace values set -> the Python extension is not used, PATH is", async () => {
        const { input, calls } = fakes({
            trusted: false,
            path: { workspaceValue: '/ws/evil' },
            interpreter: { workspaceValue: '/ws/.venv/bin/python' },
            active: ['/ws/.venv/bin/python'],
            importable: ['/ws/.venv/bin/python'],
            onPath: '/usr/local/bin/azureml-migrate',
        });
        const res = await resolveServerCommand(input);
        assert.ok(res.found);
        assert.deepEqual(res.server, { command: '/usr/local/bin/azureml-migrate', args: ['lsp'], cwd: '/tmp', source: 'PATH' });
        assert.equal(calls.active, 0);
        assert.equal(calls.probe.length, 0);
    });

    it('untrusted and nothing on PATH -> not found', async () => {
        const { input } = fakes({ trusted: false, path: { workspaceValue: '/ws/evil' }, active: ['/p'], importable: ['/p'] });
        const res = await resolveServerCommand(input);
        assert.equal(res.found, false);
    });

    it('effectiveValue never returns the default and treats empty values as unset', () => {
        assert.equal(effectiveValue({ defaultValue: ['x'] }, true), undefined);
        assert.equal(effectiveValue<StringOrArray>({ workspaceValue: [], globalValue: 'g' }, true), 'g');
        assert.equal(effectiveValue({ workspaceValue: '  ', globalValue: 'g' }, true), 'g');
        assert.equal(effectiveValue({ workspaceValue: 'w' }, false), undefined);
        assert.equal(effectiveValue(undefined, true), undefined);
    });
});

describe('string vs array settings', () => {
    it('toArgv accepts a string or an array and drops empty entries', () => {
        assert.deepEqual(toArgv('/usr/bin/python3'), ['/usr/bin/python3']);
        assert.deepEqual(toArgv('  /usr/bin/python3 '), ['/usr/bin/python3']);
        assert.deepEqual(toArgv(['py', '', ' -3 ']), ['py', '-3']);
        assert.deepEqual(toArgv(''), []);
        assert.deepEqual(toArgv([]), []);
        assert.deepEqual(toArgv(null), []);
        assert.deepEqual(toArgv(undefined), []);
        assert.deepEqual(toArgv([42 as unknown as string, 'ok']), ['ok']);
    });

    it('a plain (non-inspected) value works like a user setting', async () => {
        let res = await resolveServerCommand(fakes({ path: '/x/azureml-migrate' }).input);
        assert.ok(res.found);
        assert.deepEqual(res.server.args, ['lsp']);
        res = await resolveServerCommand(fakes({ path: [], interpreter: ['python3'], importable: ['python3'] }).input);
        assert.ok(res.found);
        assert.equal(res.server.source, 'interpreterSetting');
        res = await resolveServerCommand(fakes({ path: '', interpreter: '', pythonExtension: false, onPath: '/b/azureml-migrate' }).input);
        assert.ok(res.found);
        assert.equal(res.server.source, 'PATH');
    });

    it('variables and relative paths are expanded', async () => {
        const ctx = { workspaceFolder: '/ws', home: '/home/u', env: { VENV: '/venvs/a' } };
        assert.equal(expandVariables('~/x', ctx), '/home/u/x');
        assert.equal(expandVariables('${userHome}/x', ctx), '/home/u/x');
        assert.equal(expandVariables('${workspaceFolder}/.venv/bin/python', ctx), '/ws/.venv/bin/python');
        assert.equal(expandVariables('${env:VENV}/bin/python', ctx), '/venvs/a/bin/python');
        assert.equal(expandVariables('${env:NOPE}x', ctx), 'x');
        assert.equal(expandVariables('${workspaceFolder}/p', {}), '${workspaceFolder}/p');
        assert.equal(expandVariables('a~b', ctx), 'a~b');
        assert.deepEqual(normalizeArgv(['./.venv/bin/python', '-X', 'utf8'], ctx), ['/ws/.venv/bin/python', '-X', 'utf8']);
        assert.deepEqual(normalizeArgv(['python3'], ctx), ['python3']);
        assert.deepEqual(normalizeArgv(['/abs/python'], ctx), ['/abs/python']);

        const res = await resolveServerCommand(
            fakes({ interpreter: { globalValue: '${env:VENV}/bin/python' }, importable: ['/venvs/a/bin/python'] }).input,
        );
        assert.ok(res.found);
        assert.equal(res.server.command, '/venvs/a/bin/python');
    });
});

describe('which', () => {
    const exists = (files: string[]) => async (f: string) => files.includes(f);

    it('returns the first match on PATH and skips relative/empty entries', async () => {
        const found = await which('azureml-migrate', {
            platform: 'linux',
            pathEnv: ['.', '', 'bin', '/a', '/b'].join(':'),
            isExecutable: exists(['bin/azureml-migrate', 'azureml-migrate', '/b/azureml-migrate']),
        });
        assert.equal(found, '/b/azureml-migrate');
    });

    it('returns undefined when absent', async () => {
        assert.equal(await which('azureml-migrate', { platform: 'linux', pathEnv: '/a:/b', isExecutable: exists([]) }), undefined);
    });

    it('uses PATHEXT on Windows', async () => {
        const found = await which('azureml-migrate', {
            platform: 'win32',
            pathEnv: 'C:\\Python\\Scripts;C:\\Tools',
            pathExt: '.COM;.EXE;.BAT',
            isExecutable: exists(['C:\\Tools\\azureml-migrate.exe']),
        });
        assert.equal(found, 'C:\\Tools\\azureml-migrate.exe');
    });

    it('finds a real executable on this machine', async () => {
        const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'which-'));
        try {
            const exe = path.join(dir, 'azureml-migrate');
            fs.writeFileSync(exe, '#!/bin/sh\n');
            const notExe = path.join(dir, 'plain');
            fs.writeFileSync(notExe, '');
            if (process.platform !== 'win32') {
                fs.chmodSync(exe, 0o755);
                assert.equal(await which('plain', { pathEnv: dir }), undefined);
            }
            assert.equal(await which('azureml-migrate', { pathEnv: `/nonexistent${path.delimiter}${dir}` }), exe);
            assert.equal(await which(exe, { pathEnv: '' }), exe);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

function hasPython3(): boolean {
    try {
        execFileSync('python3', ['-c', 'pass'], { stdio: 'ignore', timeout: 10_000 });
        return true;
    } catch {
        return false;
    }
}

describe('probeImport (real processes)', { skip: process.platform === 'win32' || !hasPython3() ? 'needs python3 on POSIX' : false }, () => {
    it('ok when the module imports', async () => {
        assert.deepEqual(await probeImport(['python3'], undefined, 'json'), { ok: true });
    });

    it('reports the import error', async () => {
        const r = await probeImport(['python3'], undefined, 'azureml_migrate_surely_not_installed');
        assert.equal(r.ok, false);
        assert.match(r.detail ?? '', /ModuleNotFoundError/);
    });

    it('reports a missing interpreter', async () => {
        const r = await probeImport(['/nonexistent/python3'], undefined);
        assert.equal(r.ok, false);
        assert.match(r.detail ?? '', /does not exist/);
    });

    it('times out', async () => {
        // `sh -c 'sleep 5' -c 'import x'`: sh runs "sleep 5".
        const r = await probeImport(['sh', '-c', 'sleep 5'], undefined, 'x', 200);
        assert.equal(r.ok, false);
        assert.match(r.detail ?? '', /timed out/);
    });

    it('runs in the given cwd (so an untrusted workspace is not on sys.path)', async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-'));
        try {
            fs.mkdirSync(path.join(dir, 'only_here_pkg'));
            fs.writeFileSync(path.join(dir, 'only_here_pkg', '__init__.py'), '');
            assert.equal((await probeImport(['python3'], dir, 'only_here_pkg')).ok, true);
            assert.equal((await probeImport(['python3'], os.tmpdir(), 'only_here_pkg')).ok, false);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe('server settings (initializationOptions.settings)', () => {
    it('normalises values and falls back to defaults', () => {
        const raw: Record<string, unknown> = { select: ['AML1', ' AML1 ', '', 'AML2'], ignore: 'AML104', unsafeFixes: 'yes', defaultImage: 7, timeLimit: -1 };
        assert.deepEqual(
            toServerSettings((k) => raw[k]),
            { select: ['AML1', 'AML2'], ignore: ['AML104'], unsafeFixes: false, defaultImage: '', timeLimit: null },
        );
        const raw2: Record<string, unknown> = { select: [], ignore: [], unsafeFixes: true, defaultImage: ' mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04 ', timeLimit: 0 };
        assert.deepEqual(toServerSettings((k) => raw2[k]), {
            select: [],
            ignore: [],
            unsafeFixes: true,
            defaultImage: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04',
            timeLimit: 0,
        });
        assert.equal(toServerSettings((k) => (k === 'timeLimit' ? '30' : undefined)).timeLimit, null);
        assert.equal(toServerSettings((k) => (k === 'timeLimit' ? 2.5 : undefined)).timeLimit, 2.5);
    });
});

describe('module boundaries', () => {
    it('the unit-tested modules do not import vscode', () => {
        for (const file of ['serverCommand.ts', 'which.ts', 'probe.ts', 'settings.ts']) {
            const src = fs.readFileSync(path.join(__dirname, '..', '..', 'src', file), 'utf8');
            assert.doesNotMatch(src, /from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)/, file);
        }
    });
});
