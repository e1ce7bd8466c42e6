/**
 * How the azureml-migrate language server is found and started.
 *
 * This module is deliberately free of any `vscode` import: everything it needs
 * (settings, workspace trust, the Python extension's interpreter, a PATH lookup
 * and an "is azureml_migrate importable?" probe) is passed in, so the
 * resolution order can be unit-tested with `node --test`.
 *
 * Resolution order:
 *   1. `azuremlMigrate.path`         -> `<path...> lsp`
 *   2. `azuremlMigrate.interpreter`, or if that is unset the Python extension's
 *      active interpreter (trusted workspaces only)
 *                                    -> `<python...> -m azureml_migrate lsp`,
 *      only if `<python...> -c "import azureml_migrate"` succeeds
 *   3. `azureml-migrate` on PATH     -> `azureml-migrate lsp`
 *   4. nothing: the caller shows one notification (see `missingServerMessage`).
 *
 * In an untrusted workspace the workspace (and workspace-folder) values of
 * `path` and `interpreter` are ignored, the Python extension's interpreter is
 * not used (it may be a virtual environment inside the workspace), and the
 * server runs with a neutral working directory so that `python -m` cannot
 * import a package that lives in the workspace.
 */

import * as path from 'path';

/** The executable looked up on PATH (step 3). */
export const SERVER_EXECUTABLE = 'azureml-migrate';
/** The Python module run with `-m` (step 2). */
export const SERVER_MODULE = 'azureml_migrate';
/** Sub-command that starts the language server. vscode-languageclient appends `--stdio`. */
export const LSP_ARGS: readonly string[] = ['lsp'];

/** A `path`/`interpreter` setting value: a string, or an argv prefix. */
export type StringOrArray = string | readonly string[] | null | undefined;

/** The subset of `WorkspaceConfiguration.inspect()` this module uses. */
export interface InspectedSetting<T> {
    defaultValue?: T;
    globalValue?: T;
    workspaceValue?: T;
    workspaceFolderValue?: T;
}

export type ServerSource = 'pathSetting' | 'interpreterSetting' | 'pythonExtension' | 'PATH';

export interface ServerCommand {
    command: string;
    args: string[];
    /** Working directory for the server process; undefined = the workspace folder (languageclient default). */
    cwd?: string;
    source: ServerSource;
}

export interface ProbeResult {
    ok: boolean;
    /** Why the probe failed (stderr tail, exit code, timeout...). */
    detail?: string;
}

export interface ResolveContext {
    /** First workspace folder (file system path), used for `${workspaceFolder}` and relative paths. */
    workspaceFolder?: string;
    /** User home directory, used for `~` and `${userHome}`. */
    home?: string;
    /** Environment used for `${env:NAME}`. */
    env?: Readonly<Record<string, string | undefined>>;
    /** Directory used as working directory in untrusted workspaces (e.g. os.tmpdir()). */
    neutralCwd?: string;
}

export interface ResolveInput {
    /** `vscode.workspace.isTrusted`. */
    trusted: boolean;
    /** `inspect('path')` of the `azuremlMigrate` section (or a plain value, treated as a user setting). */
    path?: InspectedSetting<StringOrArray> | StringOrArray;
    /** `inspect('interpreter')` of the `azuremlMigrate` section (or a plain value, treated as a user setting). */
    interpreter?: InspectedSetting<StringOrArray> | StringOrArray;
    /** The Python extension's active interpreter as an argv prefix; omitted when that extension is not installed. */
    activeInterpreter?: () => Promise<readonly string[] | undefined>;
    /** Runs `<argv...> -c "import azureml_migrate"` in `cwd` (with a timeout). */
    probe: (argv: readonly string[], cwd: string | undefined) => Promise<ProbeResult>;
    /** Finds an executable on PATH; undefined if absent. */
    which: (name: string) => Promise<string | undefined>;
    context?: ResolveContext;
}

export type Resolution =
    | { found: true; server: ServerCommand; log: string[] }
    | {
          found: false;
          log: string[];
          /** The interpreter that was probed (and lacks azureml_migrate), if any. */
          interpreter?: string[];
          interpreterSource?: 'interpreterSetting' | 'pythonExtension';
      };

/**
 * The value that applies, honouring workspace trust: in a trusted workspace the most
 * specific of workspace folder > workspace > user; in an untrusted one only the user value.
 * Default values are never returned (the defaults of `path`/`interpreter` mean "unset").
 */
export function effectiveValue<T>(setting: InspectedSetting<T> | undefined, trusted: boolean): T | undefined {
    if (!setting) {
        return undefined;
    }
    if (trusted) {
        for (const v of [setting.workspaceFolderValue, setting.workspaceValue]) {
            if (!isUnset(v)) {
                return v;
            }
        }
    }
    return isUnset(setting.globalValue) ? undefined : setting.globalValue;
}

function isUnset(v: unknown): boolean {
    return v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
}

function isInspected(v: unknown): v is InspectedSetting<StringOrArray> {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Turns a string-or-array setting into an argv prefix: strings are trimmed, empty entries dropped. */
export function toArgv(value: StringOrArray): string[] {
    if (value === undefined || value === null) {
        return [];
    }
    const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
    const out: string[] = [];
    for (const item of items) {
        if (typeof item === 'string' && item.trim() !== '') {
            out.push(item.trim());
        }
    }
    return out;
}

/** Expands `~`, `${userHome}`, `${workspaceFolder}` and `${env:NAME}`. Unknown variables are left as they are. */
export function expandVariables(value: string, ctx: ResolveContext = {}): string {
    let s = value;
    if (ctx.home && (s === '~' || s.startsWith('~/') || s.startsWith('~\\'))) {
        s = ctx.home + s.slice(1);
    }
    return s.replace(/\$\{(userHome|workspaceFolder|env:([A-Za-z_][A-Za-z0-9_]*))\}/g, (whole, name: string, envName?: string) => {
        if (name === 'userHome') {
            return ctx.home ?? whole;
        }
        if (name === 'workspaceFolder') {
            return ctx.workspaceFolder ?? whole;
        }
        return envName !== undefined ? (ctx.env?.[envName] ?? '') : whole;
    });
}

/**
 * Expands variables in the executable (first element) and the arguments; a relative
 * executable containing a path separator (`./.venv/bin/python`) is made absolute
 * against the workspace folder. A bare name (`python3`) is left for the OS to find.
 */
export function normalizeArgv(argv: readonly string[], ctx: ResolveContext = {}): string[] {
    if (argv.length === 0) {
        return [];
    }
    const [exe, ...rest] = argv.map((a) => expandVariables(a, ctx));
    let command = exe;
    const hasSeparator = command.includes('/') || command.includes('\\');
    if (hasSeparator && !path.isAbsolute(command) && !path.win32.isAbsolute(command) && ctx.workspaceFolder) {
        command = path.join(ctx.workspaceFolder, command);
    }
    return [command, ...rest];
}

function settingArgv(
    setting: InspectedSetting<StringOrArray> | StringOrArray,
    trusted: boolean,
    ctx: ResolveContext,
): { argv: string[]; ignoredWorkspaceValue: boolean } {
    let value: StringOrArray;
    let ignoredWorkspaceValue = false;
    if (isInspected(setting)) {
        value = effectiveValue(setting, trusted);
        ignoredWorkspaceValue = !trusted && (!isUnset(setting.workspaceValue) || !isUnset(setting.workspaceFolderValue));
    } else {
        value = setting;
    }
    return { argv: normalizeArgv(toArgv(value), ctx), ignoredWorkspaceValue };
}

export function formatArgv(argv: readonly string[]): string {
    return argv.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

/** Resolves the server command line. Never throws for a failing probe/lookup; those are logged. */
export async function resolveServerCommand(input: ResolveInput): Promise<Resolution> {
    const ctx = input.context ?? {};
    const trusted = input.trusted;
    const log: string[] = [];
    // In an untrusted workspace, `python -m` / `python -c` must not see the workspace on sys.path.
    const cwd = trusted ? undefined : ctx.neutralCwd;

    // 1. azuremlMigrate.path
    const p = settingArgv(input.path, trusted, ctx);
    if (p.ignoredWorkspaceValue) {
        log.push('Untrusted workspace: ignoring the workspace value of azuremlMigrate.path.');
    }
    if (p.argv.length > 0) {
        log.push(`Using azuremlMigrate.path: ${formatArgv(p.argv)}`);
        return {
            found: true,
            server: { command: p.argv[0], args: [...p.argv.slice(1), ...LSP_ARGS], cwd, source: 'pathSetting' },
            log,
        };
    }

    // 2. azuremlMigrate.interpreter, else the Python extension's interpreter
    const i = settingArgv(input.interpreter, trusted, ctx);
    if (i.ignoredWorkspaceValue) {
        log.push('Untrusted workspace: ignoring the workspace value of azuremlMigrate.interpreter.');
    }
    let python: string[] = i.argv;
    let pythonSource: 'interpreterSetting' | 'pythonExtension' | undefined = python.length > 0 ? 'interpreterSetting' : undefined;
    if (!pythonSource) {
        if (!trusted) {
            log.push("Untrusted workspace: not using the Python extension's interpreter.");
        } else if (input.activeInterpreter) {
            try {
                python = normalizeArgv(toArgv(await input.activeInterpreter()), ctx);
            } catch (err) {
                log.push(`Could not get the Python extension's interpreter: ${errorText(err)}`);
                python = [];
            }
            if (python.length > 0) {
                pythonSource = 'pythonExtension';
            } else {
                log.push('The Python extension reports no active interpreter.');
            }
        } else {
            log.push('azuremlMigrate.interpreter is not set and the Python extension is not available.');
        }
    }
    if (pythonSource) {
        const label = pythonSource === 'interpreterSetting' ? 'azuremlMigrate.interpreter' : "the Python extension's interpreter";
        let probe: ProbeResult;
        try {
            probe = await input.probe(python, cwd);
        } catch (err) {
            probe = { ok: false, detail: errorText(err) };
        }
        if (probe.ok) {
            log.push(`Using ${label}: ${formatArgv(python)} -m ${SERVER_MODULE}`);
            return {
                found: true,
                server: { command: python[0], args: [...python.slice(1), '-m', SERVER_MODULE, ...LSP_ARGS], cwd, source: pythonSource },
                log,
            };
        }
        log.push(`${label} (${formatArgv(python)}) cannot import ${SERVER_MODULE}${probe.detail ? `: ${probe.detail}` : ''}`);
    }

    // 3. azureml-migrate on PATH
    let onPath: string | undefined;
    try {
        onPath = await input.which(SERVER_EXECUTABLE);
    } catch (err) {
        log.push(`PATH lookup failed: ${errorText(err)}`);
    }
    if (onPath) {
        log.push(`Using ${SERVER_EXECUTABLE} from PATH: ${onPath}`);
        return { found: true, server: { command: onPath, args: [...LSP_ARGS], cwd, source: 'PATH' }, log };
    }
    log.push(`${SERVER_EXECUTABLE} was not found on PATH.`);

    // 4. nothing
    return pythonSource
        ? { found: false, log, interpreter: python, interpreterSource: pythonSource }
        : { found: false, log };
}

/** The text of the single "server not found" notification. */
export function missingServerMessage(res: Resolution, trusted: boolean): string {
    if (res.found) {
        return '';
    }
    let msg = 'Azure ML Migrate: the azureml-migrate language server was not found. ';
    if (res.interpreter && res.interpreter.length > 0) {
        msg += `Install it into the selected interpreter (${formatArgv([...res.interpreter, '-m', 'pip', 'install', 'azureml-migrate'])}), `;
    } else {
        msg += 'Install it with "pip install azureml-migrate" into your Python interpreter (and select that interpreter in the Python extension or in azuremlMigrate.interpreter), ';
    }
    msg += 'or set azuremlMigrate.path to the azureml-migrate executable.';
    if (!trusted) {
        msg += ' This workspace is untrusted: only user settings and azureml-migrate on PATH are used.';
    }
    return msg;
}

function errorText(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}
