/**
 * VS Code client for the azureml-migrate language server.
 *
 * The extension is deliberately thin: it finds and starts the server
 * (see serverCommand.ts), syncs Python files and Jupyter notebook cells to it,
 * and implements three palette commands. Diagnostics, quick fixes and the
 * migration edits themselves come from the server.
 */

import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
    ExecuteCommandRequest,
    LanguageClient,
    LanguageClientOptions,
    ResponseError,
    RevealOutputChannelOn,
    ServerOptions,
    TransportKind,
} from 'vscode-languageclient/node';

import { probeImport } from './probe';
import { activeInterpreter, isPythonExtensionInstalled, onDidChangeActiveInterpreter } from './pythonExtension';
import {
    effectiveValue,
    formatArgv,
    missingServerMessage,
    resolveServerCommand,
    Resolution,
    StringOrArray,
} from './serverCommand';
import { ServerSettings, toServerSettings } from './settings';
import { which } from './which';

/** Client id: also the prefix of the trace setting `azuremlMigrate.trace.server`. */
const CLIENT_ID = 'azuremlMigrate';
const CLIENT_NAME = 'Azure ML Migrate';
const SECTION = 'azuremlMigrate';

/** Client-side (palette) command ids. */
const Commands = {
    migrateFile: 'azuremlMigrate.migrateFile',
    restartServer: 'azuremlMigrate.restartServer',
    showReport: 'azuremlMigrate.showReport',
} as const;

/** Server-side `workspace/executeCommand` ids (registered by the server, never by this extension). */
const ServerCommands = {
    migrateFile: 'azureml-migrate.migrateFile',
    report: 'azureml-migrate.report',
} as const;

let extensionId = 'azureml-migrate.azureml-migrate';
let output: vscode.OutputChannel;
let traceOutput: vscode.OutputChannel;
let client: LanguageClient | undefined;
/** Serialises start/stop/restart so that they never overlap. */
let lifecycle: Promise<void> = Promise.resolve();
/** Text of the last "server not found" notification, so automatic restarts do not repeat it. */
let lastMissingMessage: string | undefined;
let interpreterListener: vscode.Disposable | undefined;
let interpreterListenerRequested = false;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    extensionId = context.extension.id;
    output = vscode.window.createOutputChannel(CLIENT_NAME);
    traceOutput = vscode.window.createOutputChannel(`${CLIENT_NAME} Trace`);
    context.subscriptions.push(
        output,
        traceOutput,
        vscode.commands.registerCommand(Commands.migrateFile, migrateFile),
        vscode.commands.registerCommand(Commands.showReport, showReport),
        vscode.commands.registerCommand(Commands.restartServer, () => restart(true)),
        vscode.workspace.onDidChangeConfiguration((e) => {
            if (e.affectsConfiguration(`${SECTION}.path`) || e.affectsConfiguration(`${SECTION}.interpreter`)) {
                output.appendLine('azuremlMigrate.path/interpreter changed: restarting the server.');
                void restart(false);
            }
            // Other azuremlMigrate.* settings reach the running server through
            // workspace/didChangeConfiguration (synchronize.configurationSection).
        }),
        vscode.workspace.onDidGrantWorkspaceTrust(() => {
            output.appendLine('Workspace trusted: restarting the server with the workspace settings.');
            void restart(false);
        }),
        { dispose: () => interpreterListener?.dispose() },
    );
    // Do not block activation on the interpreter probe or the server handshake.
    void enqueue(() => startClient(false));
}

export function deactivate(): Thenable<void> | undefined {
    return enqueue(stopClient);
}

function enqueue(task: () => Promise<void>): Promise<void> {
    lifecycle = lifecycle.then(task, task).catch((err) => {
        output?.appendLine(`Error: ${errorMessage(err)}`);
    });
    return lifecycle;
}

function restart(userInitiated: boolean): Promise<void> {
    return enqueue(async () => {
        await stopClient();
        await startClient(userInitiated);
    });
}

function workspaceResource(): vscode.Uri | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri;
}

function serverSettings(): ServerSettings {
    const cfg = vscode.workspace.getConfiguration(SECTION, workspaceResource());
    return toServerSettings((key) => cfg.get(key));
}

async function resolveServer(): Promise<Resolution> {
    const resource = workspaceResource();
    const cfg = vscode.workspace.getConfiguration(SECTION, resource);
    return resolveServerCommand({
        // VS Code already hides workspace values of restrictedConfigurations in untrusted
        // workspaces; serverCommand.ts checks trust again on the raw inspect() values.
        trusted: vscode.workspace.isTrusted,
        path: cfg.inspect<StringOrArray>('path'),
        interpreter: cfg.inspect<StringOrArray>('interpreter'),
        activeInterpreter: isPythonExtensionInstalled() ? () => activeInterpreter(resource) : undefined,
        probe: (argv, cwd) => probeImport(argv, cwd),
        which: (name) => which(name),
        context: {
            workspaceFolder: resource?.scheme === 'file' ? resource.fsPath : undefined,
            home: os.homedir(),
            env: process.env,
            neutralCwd: os.tmpdir(),
        },
    });
}

function clientOptions(): LanguageClientOptions {
    return {
        documentSelector: [
            { scheme: 'file', language: 'python' },
            { scheme: 'untitled', language: 'python' },
            // Python cells of Jupyter notebooks. If the server announces notebookDocumentSync
            // they are sent as notebookDocument/*, otherwise as cell text documents.
            { notebook: { notebookType: 'jupyter-notebook' }, language: 'python' },
        ],
        synchronize: { configurationSection: SECTION },
        // A function, so that every (re)start sends the current values.
        initializationOptions: () => ({ settings: serverSettings() }),
        outputChannel: output,
        traceOutputChannel: traceOutput,
        revealOutputChannelOn: RevealOutputChannelOn.Never,
        diagnosticCollectionName: 'azureml-migrate',
    };
}

async function startClient(userInitiated: boolean): Promise<void> {
    const res = await resolveServer();
    for (const line of res.log) {
        output.appendLine(line);
    }
    watchInterpreter();
    if (!res.found) {
        notifyMissing(res, userInitiated);
        return;
    }
    lastMissingMessage = undefined;
    const { server } = res;
    const serverOptions: ServerOptions = {
        command: server.command,
        args: server.args,
        transport: TransportKind.stdio, // appends --stdio
        options: server.cwd ? { cwd: server.cwd } : undefined,
    };
    output.appendLine(
        `Starting: ${formatArgv([server.command, ...server.args, '--stdio'])}${server.cwd ? ` (cwd ${server.cwd})` : ''}`,
    );
    const c = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions());
    client = c;
    try {
        await c.start();
    } catch (err) {
        // languageclient has already shown an error notification with "Go to output".
        output.appendLine(`The server failed to start: ${errorMessage(err)}`);
        client = undefined;
        try {
            await c.dispose();
        } catch {
            // already stopped
        }
    }
}

async function stopClient(): Promise<void> {
    const c = client;
    client = undefined;
    if (!c) {
        return;
    }
    try {
        await c.dispose(); // stops the server; the shared output channels stay open
    } catch (err) {
        output.appendLine(`Stopping the server: ${errorMessage(err)}`);
    }
}

/** Restart when the Python extension's interpreter changes and it is the one in use. */
function watchInterpreter(): void {
    if (interpreterListenerRequested || !vscode.workspace.isTrusted || !isPythonExtensionInstalled()) {
        return;
    }
    interpreterListenerRequested = true;
    void onDidChangeActiveInterpreter(() => {
        const cfg = vscode.workspace.getConfiguration(SECTION, workspaceResource());
        const trusted = vscode.workspace.isTrusted;
        const pathSet = effectiveValue(cfg.inspect<StringOrArray>('path'), trusted) !== undefined;
        const interpreterSet = effectiveValue(cfg.inspect<StringOrArray>('interpreter'), trusted) !== undefined;
        if (trusted && !pathSet && !interpreterSet) {
            output.appendLine("The Python extension's interpreter changed: restarting the server.");
            void restart(false);
        }
    }).then((d) => {
        interpreterListener = d;
    });
}

function notifyMissing(res: Resolution, force: boolean): void {
    const trusted = vscode.workspace.isTrusted;
    const message = missingServerMessage(res, trusted);
    if (!force && message === lastMissingMessage) {
        return;
    }
    lastMissingMessage = message;
    output.appendLine(message);
    const openSettings = 'Open Settings';
    const selectInterpreter = 'Select Interpreter';
    const showOutput = 'Show Output';
    const actions = [openSettings];
    if (trusted && isPythonExtensionInstalled()) {
        actions.push(selectInterpreter);
    }
    actions.push(showOutput);
    void vscode.window.showWarningMessage(message, ...actions).then((choice) => {
        if (choice === openSettings) {
            void vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${extensionId}`);
        } else if (choice === selectInterpreter) {
            void vscode.commands.executeCommand('python.setInterpreter');
        } else if (choice === showOutput) {
            output.show(true);
        }
    });
}

function currentClient(): LanguageClient | undefined {
    return client;
}

/** The running client, or undefined after telling the user why there is none. */
async function runningClient(): Promise<LanguageClient | undefined> {
    await lifecycle;
    if (client?.isRunning()) {
        return client;
    }
    if (!client) {
        // Not found (or failed to start): resolve again and explain.
        await restart(true);
        const started = currentClient();
        return started?.isRunning() ? started : undefined;
    }
    void vscode.window.showErrorMessage(`${CLIENT_NAME}: the language server is not running.`, 'Restart Server').then(
        (choice) => {
            if (choice) {
                void restart(true);
            }
        },
    );
    return undefined;
}

interface Target {
    uri: vscode.Uri;
    version: number;
    label: string;
}

/** The document the commands act on: the active notebook (also when a cell has focus) or text editor. */
function activeTarget(): Target | string {
    const editor = vscode.window.activeTextEditor;
    const notebookEditor = vscode.window.activeNotebookEditor;
    const doc = editor?.document;
    let notebook: vscode.NotebookDocument | undefined;
    if (doc?.uri.scheme === 'vscode-notebook-cell') {
        notebook = vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((cell) => cell.document === doc));
    } else if (!editor && notebookEditor) {
        notebook = notebookEditor.notebook;
    }
    if (notebook) {
        if (notebook.notebookType !== 'jupyter-notebook') {
            return `${CLIENT_NAME} works on Jupyter notebooks (.ipynb), not on "${notebook.notebookType}" notebooks.`;
        }
        return { uri: notebook.uri, version: notebook.version, label: basename(notebook.uri) };
    }
    if (doc) {
        if (doc.languageId !== 'python') {
            return `${CLIENT_NAME} works on Python files and Jupyter notebooks; the active editor is ${doc.languageId}.`;
        }
        return { uri: doc.uri, version: doc.version, label: basename(doc.uri) };
    }
    return 'Open a Python file or a Jupyter notebook first.';
}

function basename(uri: vscode.Uri): string {
    return path.posix.basename(uri.path) || uri.toString();
}

async function executeServerCommand(c: LanguageClient, command: string, args: unknown[]): Promise<unknown> {
    return c.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
}

function showRequestError(what: string, err: unknown): void {
    const detail = err instanceof ResponseError ? err.message : errorMessage(err);
    output.appendLine(`${what} failed: ${detail}`);
    void vscode.window.showErrorMessage(`${CLIENT_NAME}: ${what} failed: ${detail}`);
}

async function migrateFile(): Promise<void> {
    const target = activeTarget();
    if (typeof target === 'string') {
        void vscode.window.showWarningMessage(target);
        return;
    }
    const c = await runningClient();
    if (!c) {
        return;
    }
    let result: unknown;
    try {
        // The server applies the migration with workspace/applyEdit before it answers.
        result = await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Window, title: `Migrating ${target.label} to Azure ML SDK v2` },
            () =>
                executeServerCommand(c, ServerCommands.migrateFile, [
                    { uri: c.code2ProtocolConverter.asUri(target.uri), version: target.version },
                ]),
        );
    } catch (err) {
        showRequestError('Migrate file', err);
        return;
    }
    const r = (result ?? {}) as { changed?: unknown; message?: unknown };
    if (typeof r.message === 'string' && r.message !== '') {
        void vscode.window.showInformationMessage(`${CLIENT_NAME}: ${r.message}`);
    } else if (r.changed === false) {
        void vscode.window.showInformationMessage(`${CLIENT_NAME}: no Azure ML SDK v1 code to migrate in ${target.label}.`);
    }
}

async function showReport(): Promise<void> {
    const target = activeTarget();
    if (typeof target === 'string') {
        void vscode.window.showWarningMessage(target);
        return;
    }
    const c = await runningClient();
    if (!c) {
        return;
    }
    let result: unknown;
    try {
        result = await executeServerCommand(c, ServerCommands.report, [{ uri: c.code2ProtocolConverter.asUri(target.uri) }]);
    } catch (err) {
        showRequestError('Show migration report', err);
        return;
    }
    const markdown = (result as { markdown?: unknown } | null | undefined)?.markdown;
    if (typeof markdown !== 'string') {
        showRequestError('Show migration report', new Error('the server returned no markdown'));
        return;
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
}

function errorMessage(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}
